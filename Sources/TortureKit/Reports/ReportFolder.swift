import Foundation
import Synchronization

/// Report folders are never reused: a second run in the same second gets `-2`, `-3`, …. Each
/// candidate is taken with one `mkdir`, which fails when another process got there first, so
/// two runs writing into one report folder at once never share one and never fail for it.
enum ReportFolder {
    /// More runs in one second, with one seed, into one folder, than anyone will start.
    static let attemptLimit = 10_000

    static func makeUnique(_ base: String) throws -> String {
        let parent = (base as NSString).deletingLastPathComponent
        if !parent.isEmpty { try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true) }
        for attempt in 1...attemptLimit {
            let candidate = attempt == 1 ? base : "\(base)-\(attempt)"
            if mkdir(candidate, 0o755) == 0 { return candidate }
            guard errno == EEXIST else { throw POSIXFolderError(path: candidate, code: errno) }
        }
        throw POSIXFolderError(path: base, code: EEXIST)
    }

    /// Points `link` at `target` in one step: a new link made beside it, then renamed over it.
    /// Whoever reads `link` meanwhile finds the old target or the new one, never nothing.
    static func replaceLink(_ link: String, pointingAt target: String) throws {
        let temporary = "\(link).\(getpid()).\(linkCounter.add(1, ordering: .relaxed).newValue).tmp"
        try FileManager.default.createSymbolicLink(atPath: temporary, withDestinationPath: target)
        guard rename(temporary, link) == 0 else {
            let code = errno
            try? FileManager.default.removeItem(atPath: temporary)
            throw POSIXFolderError(path: link, code: code)
        }
    }

    /// Temporary link names within this process.
    private static let linkCounter = Atomic<Int>(0)
}

struct POSIXFolderError: Error, CustomStringConvertible, LocalizedError {
    var path: String
    var code: Int32

    var description: String { "\(path): \(String(cString: strerror(code)))" }
    var errorDescription: String? { description }
}
