// pthread_setname_np is a GNU extension on glibc; defined before any header is read.
#define _GNU_SOURCE
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

#include <pthread.h>

#ifdef __linux__
#include <fcntl.h>
#include <errno.h>

int crawl_start_writeback(int fd, long long offset, long long length) {
    return sync_file_range(fd, (off_t)offset, (off_t)length, SYNC_FILE_RANGE_WRITE) == 0 ? 0 : errno;
}
#else
#include <errno.h>

int crawl_start_writeback(int fd, long long offset, long long length) {
    (void)fd; (void)offset; (void)length;
    return ENOTSUP;
}
#endif

#include <sys/ioctl.h>
#include <sys/resource.h>
#include <limits.h>

long crawl_open_file_limit(int raise) {
    struct rlimit limit;
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return -1;
    if (raise && limit.rlim_cur < limit.rlim_max) {
        struct rlimit raised = limit;
        raised.rlim_cur = limit.rlim_max;
        // macOS refuses RLIM_INFINITY (its kernel's cap is OPEN_MAX); keep the old limit then.
        if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
    }
    if (limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur > (rlim_t)LONG_MAX) return LONG_MAX;
    return (long)limit.rlim_cur;
}

int crawl_terminal_columns(int fd) {
    struct winsize size;
    if (ioctl(fd, TIOCGWINSZ, &size) != 0) return 0;
    return size.ws_col;
}

void crawl_name_current_thread(const char *name) {
#if defined(__APPLE__)
    pthread_setname_np(name);
#elif defined(__GLIBC__)
    pthread_setname_np(pthread_self(), name);
#else
    (void)name;
#endif
}

#ifdef __linux__
#include <errno.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <sched.h>

int crawl_make_current_thread_batch(void) {
    // pid 0: the calling thread (Linux schedules threads, not processes). The nice value is kept.
    struct sched_param param = { .sched_priority = 0 };
    return sched_setscheduler(0, SCHED_BATCH, &param) == 0 ? 0 : errno;
}

int crawl_renice_current_thread(int delta) {
    // PRIO_PROCESS with a thread id addresses that one thread (Linux; POSIX would mean the process).
    id_t thread = (id_t)syscall(SYS_gettid);
    errno = 0;
    int current = getpriority(PRIO_PROCESS, thread);
    if (current == -1 && errno != 0) return errno;  // -1 is also a valid nice value
    int target = current + delta;
    if (target < -20) target = -20;
    if (target > 19) target = 19;
    return setpriority(PRIO_PROCESS, thread, target) == 0 ? 0 : errno;
}
#else
#include <errno.h>
int crawl_make_current_thread_batch(void) {
    return ENOTSUP;
}

int crawl_renice_current_thread(int delta) {
    (void)delta;
    return ENOTSUP;
}
#endif
