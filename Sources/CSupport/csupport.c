#include "csupport.h"

// <stdlib.h> first: it pulls in <features.h>, which defines __GLIBC__ on glibc systems.
#include <stdlib.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

void crawl_return_large_blocks_to_system(long threshold) {
#if defined(__GLIBC__)
    mallopt(M_MMAP_THRESHOLD, (int)threshold);
#else
    (void)threshold;
#endif
}

void crawl_keep_free_heap(long threshold) {
#if defined(__GLIBC__)
    mallopt(M_TRIM_THRESHOLD, (int)threshold);
#else
    (void)threshold;
#endif
}
