import Foundation

/// A private folder of torture's under the temporary directory, named by mkdtemp: no name
/// drawn from a random source the seed does not control.
enum ScratchFolder {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func make(_ prefix: String) throws(Failure) -> String {
        var template = Array("\(NSTemporaryDirectory())\(prefix)-\(getpid())-XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else {
            throw Failure(description: "cannot create a temporary folder for \(prefix): \(String(cString: strerror(errno)))")
        }
        return String(cString: created)
    }
}
