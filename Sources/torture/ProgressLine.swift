import Foundation
import TortureKit

/// A live line on stderr while a run goes, for a person at a terminal; never when stderr is a
/// file or pipe, so CI logs hold only the final lines.
final class ProgressLine: @unchecked Sendable {
    private let scenario: String
    private let progress: RunProgress
    private var task: Task<Void, Never>?

    init(scenario: String, progress: RunProgress) {
        self.scenario = scenario
        self.progress = progress
    }

    func start() {
        let scenario = scenario
        let progress = progress
        task = Task {
            let started = ContinuousClock.now
            while !Task.isCancelled {
                let elapsed = ContinuousClock.now - started
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                let done = progress.deliveriesFinished
                let total = max(1, progress.deliveriesTotal)
                let rate = seconds > 0 ? Int(Double(done) / seconds) : 0
                let line = "\r\u{1B}[2K\(scenario)  \(done)/\(total) deliveries  \(100 * done / total)%  "
                    + "\(rate)/s  failed \(progress.deliveriesFailed)  \(Formatting.decimal(seconds, places: 1)) s"
                FileHandle.standardError.write(Data(line.utf8))
                try? await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    func stop() {
        task?.cancel()
        task = nil
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }
}
