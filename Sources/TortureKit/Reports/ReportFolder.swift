import Foundation

/// Report folders are never reused: a second run in the same second gets `-2`, `-3`, ….
enum ReportFolder {
    static func makeUnique(_ base: String) throws -> String {
        var candidate = base
        var suffix = 2
        while FileManager.default.fileExists(atPath: candidate) {
            candidate = "\(base)-\(suffix)"
            suffix += 1
        }
        try FileManager.default.createDirectory(atPath: candidate, withIntermediateDirectories: true)
        return candidate
    }
}
