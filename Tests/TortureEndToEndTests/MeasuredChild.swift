import Foundation

/// A child's exit with what it cost: wall time, CPU time and peak resident memory, from `wait4`'s
/// rusage (the child's own, not the test process's other children). CPU time is what the child's
/// work cost whatever else the machine runs; wall time also holds the waits for a core.
struct MeasuredExit {
    var exitCode: Int32
    var seconds: Double
    var cpuSeconds: Double
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
            cpuSeconds: Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6,
            maxResidentBytes: Int(usage.ru_maxrss) * 1024,  // kilobytes on Linux
            stderr: stderr)
    }
}
