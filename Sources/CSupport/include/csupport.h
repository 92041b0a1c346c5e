#ifndef CRAWL_CSUPPORT_H
#define CRAWL_CSUPPORT_H

/// Makes every allocation of at least `threshold` bytes its own mmap, returned to the system when freed.
/// glibc otherwise raises its mmap threshold after the first large free (up to 32 MiB), so later
/// response bodies come from the heap and stay resident after they are freed: peak RSS then follows the
/// largest bodies ever held per malloc arena rather than the memory budget. No-op outside glibc.
void crawl_return_large_blocks_to_system(long threshold);

#endif
