import Foundation

/// What a handler is made of, as far as torture can tell: its command, every argument that
/// names a file, and the module file of a `module.function` argument (the Lambda adapter's).
enum HandlerFiles {
    static func hash(command: [String], workingDirectory: String) -> UInt64 {
        var hasher = ContentHash()
        for argument in command {
            hasher.add(bytes: argument.utf8)
            hasher.add(UInt64(0))
            for path in files(named: argument, in: workingDirectory) {
                if let data = FileManager.default.contents(atPath: path) {
                    hasher.add(bytes: data)
                }
            }
        }
        return hasher.value
    }

    static func files(named argument: String, in directory: String) -> [String] {
        var found: [String] = []
        let direct = resolve(argument, in: directory)
        if isFile(direct) { found.append(direct) }
        // `lambda_function.lambda_handler` → lambda_function.py
        if let dot = argument.lastIndex(of: "."), !argument.contains("/") {
            let module = argument[..<dot].replacingOccurrences(of: ".", with: "/")
            let candidate = resolve(module + ".py", in: directory)
            if isFile(candidate) { found.append(candidate) }
        }
        return found
    }

    static func resolve(_ path: String, in directory: String) -> String {
        ((path.hasPrefix("/") ? path : (directory as NSString).appendingPathComponent(path)) as NSString).standardizingPath
    }

    private static func isFile(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
    }
}
