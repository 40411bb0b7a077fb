// jemalloc, linked into the `dossier` executable so that its malloc replaces the C library's for
// the whole process (see Sources/dossier/Allocator.swift).
#include <jemalloc/jemalloc.h>
