#ifndef CLIBXML2_SHIM_H
#define CLIBXML2_SHIM_H

// xmlversion.h must come first: Debian's build defines LIBXML_ICU_ENABLED, which makes encoding.h
// include ICU headers whose types clash with Foundation's copy ("'UErrorCode' has different
// definitions in different modules"). Only pointers to the affected structs are used from Swift.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED

#include <libxml/parser.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/dict.h>
#include <libxml/xmlmemory.h>

/// `xmlFree` is a global function-pointer variable, which Swift 6 rejects as not concurrency-safe;
/// calling through this wrapper reads it on the C side.
static inline void clibxml2_free(void *pointer) {
    xmlFree(pointer);
}

/// The libxml2 this process runs with: `xmlParserVersion` is a macro over a per-thread global, read
/// on the C side for the same reason.
static inline const char *clibxml2_version(void) {
    return xmlParserVersion;
}

#endif
