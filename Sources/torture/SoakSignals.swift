import Dispatch
import Foundation
import TortureKit

/// SIGINT and SIGTERM during a soak: the first one asks the soak to stop after the run in hand;
/// if that run is still going when `deadlineSeconds` have passed, `onDeadline` writes the summary
/// of the runs that finished and exits, so a soak always ends within two seconds of a signal.
final class SoakSignals: @unchecked Sendable {
    private let cancellation: SoakCancellation
    private let onDeadline: @Sendable () -> Void
    private var sources: [any DispatchSourceSignal] = []
    static let deadlineSeconds = 1.2

    init(cancellation: SoakCancellation, onDeadline: @escaping @Sendable () -> Void) {
        self.cancellation = cancellation
        self.onDeadline = onDeadline
    }

    func start() {
        for number in [SIGINT, SIGTERM] {
            // The default action would kill the process before the summary is written.
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            let cancellation = cancellation
            let onDeadline = onDeadline
            source.setEventHandler {
                let first = !cancellation.isCancelled
                cancellation.cancel(signal: number)
                guard first else { return }
                DispatchQueue.global().asyncAfter(deadline: .now() + Self.deadlineSeconds) { onDeadline() }
            }
            source.resume()
            sources.append(source)
        }
    }
}
