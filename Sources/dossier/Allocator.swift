import CJemalloc

/// The process's allocator is jemalloc: linking it into the executable puts its `malloc` and
/// `free` ahead of the C library's for every allocation, cmark-gfm's and Swift's alike.
///
/// A full build at 10,000 briefings allocates and frees tens of millions of blocks on two
/// threads (Markdown nodes, strings, arrays); glibc's allocator spent about a second of CPU in
/// `_int_malloc`, `_int_free` and `malloc_consolidate`, and jemalloc takes the build's body
/// rendering from about 3.1 to 2.6 s (docs/benchmarks.md). Only the executable links it: the
/// library and its tests run on whatever allocator their host uses.
enum Allocator {
    /// "jemalloc 5.3.0-…", as the library reports itself; shown by `build -v`.
    static var description: String {
        var version: UnsafePointer<CChar>?
        var size = MemoryLayout<UnsafePointer<CChar>?>.size
        guard mallctl("version", &version, &size, nil, 0) == 0, let version else { return "jemalloc" }
        return "jemalloc " + String(cString: version)
    }
}
