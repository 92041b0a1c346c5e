#ifndef CRAWL_CSUPPORT_H
#define CRAWL_CSUPPORT_H

#include "socket_poller.h"

/// Makes every allocation of at least `threshold` bytes its own mmap, returned to the system when freed.
/// glibc otherwise raises its mmap threshold after the first large free (up to 32 MiB), so later
/// response bodies come from the heap and stay resident after they are freed: peak RSS then follows the
/// largest bodies ever held per malloc arena rather than the memory budget. No-op outside glibc.
void crawl_return_large_blocks_to_system(long threshold);

/// Lets each malloc arena keep up to `threshold` free bytes at its top instead of giving them back to
/// the system. Fixing the mmap threshold (above) also fixes glibc's trim threshold at 128 KiB, so an
/// arena gives its free top back whenever more than 128 KiB of it is free, and later bodies fault
/// their pages in again (50,000-90,000 page faults per 20,000-page benchmark crawl; 16,700 with this).
/// No-op outside glibc.
void crawl_keep_free_heap(long threshold);

/// Adds `delta` to the calling thread's nice value (on Linux each thread has its own), clamped to
/// -20...19. Returns 0, or the errno of the refusal: lowering it needs root, CAP_SYS_NICE or a
/// matching RLIMIT_NICE. ENOTSUP where threads have no nice value of their own (not Linux).
int crawl_renice_current_thread(int delta);

/// Puts the calling thread under SCHED_BATCH (Linux), keeping its nice value: the scheduler then treats
/// it as CPU-bound throughput work, and when it wakes it does not preempt the thread running on the
/// core (it waits for the running thread's turn to end). Needs no privilege. Returns 0, or an errno
/// value; ENOTSUP where there is no such policy (not Linux).
int crawl_make_current_thread_batch(void);

/// Starts writing `length` bytes of `fd` from `offset` to the disk, without waiting for them (Linux's
/// `sync_file_range` with SYNC_FILE_RANGE_WRITE). A later `fsync` then waits only for what was written
/// since. Returns 0, or an errno value; ENOTSUP where there is no such call (not Linux).
int crawl_start_writeback(int fd, long long offset, long long length);

/// The width in columns of the terminal `fd` is on, or 0 when it is not a terminal or does not say
/// (TIOCGWINSZ; `ioctl` is variadic, which Swift cannot call).
int crawl_terminal_columns(int fd);

/// The most files this process may open (the soft RLIMIT_NOFILE), after raising it to the hard
/// limit when `raise` is non-zero (as Go's runtime does at start: the soft limit, often 1024, is a
/// relic of select(2), which nothing here uses). -1 when it cannot be read; a limit too large for a
/// long (unlimited) reads as LONG_MAX.
long crawl_open_file_limit(int raise);

/// Names the calling thread (at most 15 bytes show on Linux), as `top -H` and `perf` list it.
void crawl_name_current_thread(const char *name);

#endif
