import Foundation

/// A scenario file's bytes, read with a bound and checked to be text before any YAML parser sees
/// them: a file that is too big, binary or not UTF-8 is refused with the byte offset (and line)
/// of the first thing wrong.
enum ScenarioText {
    /// The file's text; at most `ScenarioInputLimits.fileBytes + 1` bytes are ever read.
    static func read(path: String) throws(ScenarioError) -> String {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw unreadable(path) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw unreadable(path) }
        if (status.st_mode & S_IFMT) == S_IFDIR {
            throw ScenarioError(file: path, message: "this is a folder; expected a scenario file (YAML)")
        }
        if (status.st_mode & S_IFMT) == S_IFREG && Int(status.st_size) > ScenarioInputLimits.fileBytes {
            throw tooBig(path, bytes: "\(status.st_size) bytes")
        }
        // A file that is not regular (a pipe, /dev/zero) or grew since fstat is cut at the limit.
        let limit = ScenarioInputLimits.fileBytes
        var bytes = [UInt8](repeating: 0, count: limit + 1)
        var count = 0
        while count < bytes.count {
            let got = bytes.withUnsafeMutableBytes { buffer in
                Foundation.read(descriptor, buffer.baseAddress! + count, buffer.count - count)
            }
            if got < 0 && errno == EINTR { continue }
            guard got >= 0 else { throw unreadable(path) }
            if got == 0 { break }
            count += got
        }
        guard count <= limit else { throw tooBig(path, bytes: "more than \(limit) bytes") }
        let content = bytes[..<count]
        try check(content, file: path)
        return String(decoding: content, as: UTF8.self)
    }

    /// Refuses text that is too big, not UTF-8, or holds control characters YAML does not allow
    /// (NUL, and the rest of C0 but tab, line feed and carriage return; DEL): the marks of a binary file.
    static func check(_ bytes: some Collection<UInt8>, file: String) throws(ScenarioError) {
        guard bytes.count <= ScenarioInputLimits.fileBytes else {
            throw tooBig(file, bytes: "\(bytes.count) bytes")
        }
        let problem = bytes.withContiguousStorageIfAvailable(firstProblem) ?? Array(bytes).withUnsafeBufferPointer(firstProblem)
        guard let problem else { return }
        let start = Array(bytes.prefix(2))
        let utf16 = start == [0xFF, 0xFE] || start == [0xFE, 0xFF]
        let hint = utf16 ? "; it begins with a UTF-16 byte-order mark: save it as UTF-8" : ""
        throw ScenarioError(file: file, line: problem.line, message: "not text: \(problem.description); expected a scenario file in UTF-8 YAML\(hint)")
    }

    struct Problem {
        var offset: Int
        var line: Int
        var byte: UInt8
        var isControl: Bool

        var description: String {
            let hex = "0x" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            return isControl ? "byte \(hex)\(byte == 0 ? " (NUL)" : "") at byte offset \(offset) is a control character"
                : "byte \(hex) at byte offset \(offset) is not UTF-8"
        }
    }

    /// A plain loop over the bytes rather than the standard library's decoder: this runs on every
    /// file in debug builds too, where a generic decoder took over a second for 1 MB.
    static func firstProblem(_ bytes: UnsafeBufferPointer<UInt8>) -> Problem? {
        var index = 0
        var line = 1
        while index < bytes.count {
            let byte = bytes[index]
            if byte < 0x80 {
                if byte == 0x0A {
                    line += 1
                } else if (byte < 0x20 && byte != 0x09 && byte != 0x0D) || byte == 0x7F {
                    return Problem(offset: index, line: line, byte: byte, isControl: true)
                }
                index += 1
                continue
            }
            let length = sequenceLength(bytes, at: index)
            guard length > 0 else { return Problem(offset: index, line: line, byte: byte, isControl: false) }
            index += length
        }
        return nil
    }

    /// The length of the well-formed UTF-8 sequence at `index` (RFC 3629's table: no overlong
    /// forms, no surrogates, nothing past U+10FFFF), or 0.
    private static func sequenceLength(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Int {
        let lead = bytes[index]
        let length: Int
        var second: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; second = 0xA0...0xBF
        case 0xED: length = 3; second = 0x80...0x9F
        case 0xE1...0xEF: length = 3
        case 0xF0: length = 4; second = 0x90...0xBF
        case 0xF4: length = 4; second = 0x80...0x8F
        case 0xF1...0xF3: length = 4
        default: return 0
        }
        guard index + length <= bytes.count, second.contains(bytes[index + 1]) else { return 0 }
        for next in (index + 2)..<(index + length) where !(0x80...0xBF).contains(bytes[next]) { return 0 }
        return length
    }

    private static func tooBig(_ file: String, bytes: String) -> ScenarioError {
        ScenarioError(file: file, message: "the file is \(bytes); a scenario file is at most \(ScenarioInputLimits.fileBytes) bytes (1 MiB)")
    }

    private static func unreadable(_ path: String) -> ScenarioError {
        ScenarioError(file: path, message: "cannot read the scenario file: \(String(cString: strerror(errno)))")
    }
}
