import Foundation

/// Scenario files written to hurt the loader, made on the spot (none is committed: one is 100 MB),
/// each with where and what its refusal must say.
struct HostileScenarioFile: Sendable, CustomStringConvertible {
    var name: String
    /// Written as given; nil for a file made another way (`sparseBytes`, a folder).
    var bytes: [UInt8]?
    /// A file of this many zero bytes that takes no disk (ftruncate).
    var sparseBytes: Int?
    var isFolder = false
    /// `:LINE:` or `:LINE:COLUMN:` after the file's path; "" where no line applies (the file's size).
    var location: String
    var words: String

    var description: String { name }

    static func text(_ name: String, _ text: String, location: String, words: String) -> HostileScenarioFile {
        HostileScenarioFile(name: name, bytes: Array(text.utf8), location: location, words: words)
    }

    /// A scenario that would load, for hiding one bad thing in.
    static func scenario(description: String = "fine") -> String {
        """
        name: hostile
        description: \(description)
        workload: { messages: 1, deliveries-per-message: 1, concurrent-deliveries: 1 }
        protocol:
          schema: CREATE TABLE m (id TEXT PRIMARY KEY);
          publish: INSERT INTO m (id) VALUES (:message)
          steps:
            - { name: touch, role: write, sql: UPDATE m SET id = id WHERE id = :message, success: rows-affected }
        invariants:
          - no-loss

        """
    }

    /// The bomb: each list names the one before nine times, eight levels: 9⁹ ≈ 387 M
    /// scalars once expanded, from 306 bytes.
    static let aliasBomb: String = {
        let names = Array("abcdefghi").map(String.init)
        var lines = ["a: &a [x,x,x,x,x,x,x,x,x]"]
        for level in 1..<names.count {
            let previous = Array(repeating: "*" + names[level - 1], count: 9).joined(separator: ",")
            lines.append("\(names[level]): &\(names[level]) [\(previous)]")
        }
        return lines.joined(separator: "\n") + "\n"
    }()

    static let all: [HostileScenarioFile] = [
        .text("alias-bomb.yaml", aliasBomb, location: ":2:8:", words: "YAML aliases are not supported (`*a`)"),
        .text("alias-in-scenario.yaml", scenario(description: "&d fine") + "seed-system: *d\n",
              location: ":11:14:", words: "YAML aliases are not supported (`*d`)"),
        .text("alias-as-key.yaml", "a: &a [x, y]\n? *a\n: 1\n", location: ":2:3:", words: "YAML aliases are not supported"),
        .text("deep-flow.yaml", "name: x\nv: " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "\n",
              location: ":2:", words: "nested more than 32 deep"),
        .text("deep-block.yaml", (0..<600).map { String(repeating: "  ", count: $0) + "k\($0):\n" }.joined(),
              location: ":33:", words: "nested more than 32 deep"),
        .text("huge-scalar.yaml", "name: x\ndescription: " + String(repeating: "a", count: 900_000) + "\n",
              location: ":2:14:", words: "this value is 900000 bytes; at most 65536"),
        .text("many-nodes.yaml", "name: x\nv: [" + Array(repeating: "1", count: 400_000).joined(separator: ",") + "]\n",
              location: ":2:", words: "more than 50000 values"),
        .text("many-steps.yaml", manySteps, location: ":8:5:", words: "`protocol.steps` has 3000 entries; at most 256"),
        .text("two-documents.yaml", scenario() + "---\n" + scenario(), location: ":11:1:", words: "a second YAML document"),
        .text("duplicate-key.yaml", scenario() + "name: again\n", location: ":11:1:", words: "key `name` appears twice in this mapping (first on line 1)"),
        HostileScenarioFile(name: "elf.bin", bytes: [0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00] + Array(repeating: 0, count: 4088),
                            location: ":1:", words: "not text: byte 0x7F at byte offset 0 is a control character"),
        HostileScenarioFile(name: "png.yaml", bytes: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 0xFF, count: 4088),
                            location: ":1:", words: "not text: byte 0x89 at byte offset 0 is not UTF-8"),
        HostileScenarioFile(name: "nul.yaml", bytes: Array("name: x\ndescription: ab".utf8) + [0] + Array("cd\n".utf8),
                            location: ":2:", words: "not text: byte 0x00 (NUL) at byte offset 23 is a control character"),
        HostileScenarioFile(name: "latin-1.yaml", bytes: Array("name: x\ndescription: caf".utf8) + [0xE9] + Array("\n".utf8),
                            location: ":2:", words: "not text: byte 0xE9 at byte offset 24 is not UTF-8"),
        HostileScenarioFile(name: "surrogate.yaml", bytes: Array("name: x\n\ndescription: ".utf8) + [0xED, 0xA0, 0x80] + Array("\n".utf8),
                            location: ":3:", words: "byte 0xED at byte offset 22 is not UTF-8"),
        HostileScenarioFile(name: "utf-16.yaml", bytes: [0xFF, 0xFE] + Array("name: x\n".utf8).flatMap { [$0, 0] },
                            location: ":1:", words: "it begins with a UTF-16 byte-order mark: save it as UTF-8"),
        HostileScenarioFile(name: "100-MB.yaml", sparseBytes: 100 << 20, location: "",
                            words: "the file is 104857600 bytes; a scenario file is at most 1048576 bytes"),
        HostileScenarioFile(name: "folder.yaml", isFolder: true, location: "", words: "this is a folder"),
    ]

    static let manySteps: String = {
        let steps = (0..<3_000).map { "    - { name: s\($0), role: write, sql: SELECT 1, success: rows-affected }\n" }.joined()
        return """
            name: many
            description: d
            workload: { messages: 1, deliveries-per-message: 1, concurrent-deliveries: 1 }
            protocol:
              schema: CREATE TABLE m (id TEXT PRIMARY KEY);
              publish: INSERT INTO m (id) VALUES (:message)
              steps:

            """ + steps + "invariants:\n  - no-loss\n"
    }()

    /// Writes the file into `folder`; its path.
    func make(in folder: String) throws -> String {
        let path = folder + "/" + name
        if isFolder {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } else if let sparseBytes {
            _ = FileManager.default.createFile(atPath: path, contents: nil)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            try handle.truncate(atOffset: UInt64(sparseBytes))
            try handle.close()
        } else {
            try Data(bytes ?? []).write(to: URL(fileURLWithPath: path))
        }
        return path
    }
}
