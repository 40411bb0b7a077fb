// cmark-gfm 0.29.0.gfm.6 keeps one process-wide table of the characters that start inline
// syntax. Every `cmark_parser_finish` adds its extensions' characters to it and removes them
// when done, so a parser finishing on one thread strips `~` and `:` from a parser still at work
// on another: strikethrough and autolinks are then silently lost (github/cmark-gfm pull request
// 176). The library calls `cmark_manage_extensions_special_characters` through its procedure
// linkage table, so the executable's definition below is the one it runs. It adds characters
// as the library does and never removes them. Every Dossier parser attaches the same
// extensions, so the table then stays as each parse expects it, and parsers can finish in
// parallel. `CmarkRuntime` checks at start-up that this definition is the one in use, and
// serialises finishing otherwise.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

#include "CCmarkSpecialChars.h"

typedef void (*manage_special_characters)(void *parser, bool add);

static manage_special_characters library_version;
static pthread_once_t library_version_found = PTHREAD_ONCE_INIT;
static atomic_bool called;

static void find_library_version(void) {
    library_version = (manage_special_characters)dlsym(RTLD_NEXT, "cmark_manage_extensions_special_characters");
}

void cmark_manage_extensions_special_characters(void *parser, bool add) {
    pthread_once(&library_version_found, find_library_version);
    atomic_store(&called, true);
    if (add && library_version != NULL) library_version(parser, add);
}

bool dossier_cmark_keeps_special_characters(void) {
    pthread_once(&library_version_found, find_library_version);
    return library_version != NULL && atomic_load(&called);
}
