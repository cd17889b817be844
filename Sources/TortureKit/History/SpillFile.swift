import Foundation

/// Where a processor's log goes past its share of the history's memory budget: a file made with
/// mkstemp (`torture-<pid>-history-XXXXXX` in the spill folder) and unlinked at once, so it is
/// gone when the run's `History` is, however the process ends — nothing is left behind in the
/// folder. Written by one processor while it runs; read with `pread` afterwards, by any number
/// of readers at once.
final class SpillFile: Sendable {
    let descriptor: Int32

    init(directory: String) throws(StoreError) {
        var template = Array("\(directory)/torture-\(getpid())-history-XXXXXX".utf8CString)
        let descriptor = mkstemp(&template)
        guard descriptor >= 0 else {
            throw .unavailable("cannot create a history spill file in \(directory): \(String(cString: strerror(errno)))")
        }
        unlink(template)
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    /// Appends all of `bytes`; a short write (disk full) ends the run as a store failure would.
    func append(_ bytes: [UInt8]) throws(StoreError) {
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { buffer in
                write(descriptor, buffer.baseAddress! + written, buffer.count - written)
            }
            if result < 0 && errno == EINTR { continue }
            guard result > 0 else {
                throw .unavailable("writing the history to disk failed: \(String(cString: strerror(errno)))")
            }
            written += result
        }
    }

    /// Up to `count` bytes from `offset`.
    func read(at offset: Int, count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let result = bytes.withUnsafeMutableBytes { buffer in
                pread(descriptor, buffer.baseAddress! + done, count - done, off_t(offset + done))
            }
            if result < 0 && errno == EINTR { continue }
            precondition(result > 0, "a history spill file shrank while it was read: \(String(cString: strerror(errno)))")
            done += result
        }
        return bytes
    }
}
