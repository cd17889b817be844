import ArgumentParser
import Foundation

/// One rule for every place torture writes to (--report-dir, --junit): it makes the folder or
/// file named, never the folders above it. A typo in a parent (`--junit /nonexistent/dir/j.xml`)
/// is refused before anything runs, instead of growing a tree where nobody will look.
enum OutputLocation {
    static func requireParent(of path: String, for option: String) throws {
        let parent = (path as NSString).deletingLastPathComponent
        guard !parent.isEmpty else { return }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: parent, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("\(option) \(path): the folder \(parent) does not exist; torture creates \((path as NSString).lastPathComponent) "
                + "but not the folders above it. Create \(parent) first, or name a path in a folder that exists")
        }
    }
}
