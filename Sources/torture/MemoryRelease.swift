#if canImport(Glibc)
import Glibc
#endif

/// Hands the heap a finished run freed back to the operating system. Every run allocates its
/// history on 16–64 fresh processor threads, and glibc keeps what those threads freed in per-thread
/// arenas; without this a soak's resident size creeps up arena by arena although nothing is
/// retained. A few milliseconds per run, against runs of a few hundred.
enum MemoryRelease {
    private typealias MallocTrim = @convention(c) (Int) -> Int32

    /// Looked up at run time: Swift's Glibc module does not export `malloc.h`, and a libc
    /// without `malloc_trim` (musl) simply skips it.
    private static let mallocTrim: MallocTrim? = {
        #if canImport(Glibc)
        guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: MallocTrim.self)
        #else
        return nil
        #endif
    }()

    static func afterRun() {
        _ = mallocTrim?(0)
    }
}
