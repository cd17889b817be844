import Foundation

/// A line redrawn on stderr every `interval` until stopped: what the run's and the soak's progress
/// displays share. Callers start one only when stderr is a terminal.
final class LiveLine: @unchecked Sendable {
    private let interval: Duration
    private let render: @Sendable (_ elapsedSeconds: Double) -> String
    private var task: Task<Void, Never>?

    init(every interval: Duration, render: @escaping @Sendable (_ elapsedSeconds: Double) -> String) {
        self.interval = interval
        self.render = render
    }

    func start() {
        let interval = interval
        let render = render
        task = Task {
            let started = ContinuousClock.now
            while !Task.isCancelled {
                let elapsed = ContinuousClock.now - started
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                FileHandle.standardError.write(Data(("\r\u{1B}[2K" + render(seconds)).utf8))
                try? await Task.sleep(for: interval)
            }
        }
    }

    func stop() {
        task?.cancel()
        task = nil
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }
}
