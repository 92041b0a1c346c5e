#ifndef CRAWL_CSUPPORT_H
#define CRAWL_CSUPPORT_H

/// Makes every allocation of at least `threshold` bytes its own mmap, returned to the system when freed.
/// glibc otherwise raises its mmap threshold after the first large free (up to 32 MiB), so later
/// response bodies come from the heap and stay resident after they are freed: peak RSS then follows the
/// largest bodies ever held per malloc arena rather than the memory budget. No-op outside glibc.
void crawl_return_large_blocks_to_system(long threshold);

/// Lets each malloc arena keep up to `threshold` free bytes at its top instead of giving them back to
/// the system. Fixing the mmap threshold (above) also fixes glibc's trim threshold at 128 KiB, and a
/// thread's arena then returns its free top (madvise) almost every time a body is freed: the next
/// body of the same size faults its pages in again, one fault per 4 KiB of every page crawled.
/// No-op outside glibc.
void crawl_keep_free_heap(long threshold);

#endif
