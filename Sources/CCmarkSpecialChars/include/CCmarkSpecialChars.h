#ifndef DOSSIER_CMARK_SPECIAL_CHARS_H
#define DOSSIER_CMARK_SPECIAL_CHARS_H

#include <stdbool.h>

/// True once cmark-gfm's parsers call this target's `cmark_manage_extensions_special_characters`
/// instead of the library's own, so that the table of special characters is never cleared.
bool dossier_cmark_keeps_special_characters(void);

#endif
