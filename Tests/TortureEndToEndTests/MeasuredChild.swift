import Foundation

/// A child's exit with what it cost: wall time and peak resident memory, from `wait4`'s rusage
/// (the child's own, not the test process's other children).
struct MeasuredExit {
    var exitCode: Int32
    var seconds: Double
    var maxResidentBytes: Int
    var stderr: String
}

extension ChildProcess {
    /// Polls without holding a thread of the cooperative pool; kills the child after the timeout.
    func measuredExit(timeoutSeconds: Double = 120) async -> MeasuredExit {
        let started = ContinuousClock.now
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, WNOHANG, &usage) != pid {
            if ContinuousClock.now - started > .seconds(timeoutSeconds) { kill(pid, SIGKILL) }
            try? await Task.sleep(for: .milliseconds(5))
        }
        let elapsed = ContinuousClock.now - started
        let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return MeasuredExit(
            exitCode: code,
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
            maxResidentBytes: Int(usage.ru_maxrss) * 1024,  // kilobytes on Linux
            stderr: stderr)
    }
}
