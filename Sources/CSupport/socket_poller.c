#include "socket_poller.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

// CRAWL_POLLER_USE_POLL selects the portable version on Linux too, to test it there
// (`swift test -Xcc -DCRAWL_POLLER_USE_POLL`).
#if defined(__linux__) && !defined(CRAWL_POLLER_USE_POLL)

#include <sys/epoll.h>
#include <sys/eventfd.h>

/// What the epoll set holds for a descriptor, by descriptor number.
enum { REGISTERED = 0x80 };

struct crawl_poller {
    int epoll;
    /// eventfd: `crawl_poller_wake` adds to its counter; the wait that sees it readable reads it back to 0.
    int wake;
    /// Per descriptor: 0, or REGISTERED with the events asked for (none when it is no longer watched).
    /// A socket curl stops watching stays in the epoll set until it reports an event or is watched
    /// again: a kept-alive connection between two transfers then costs one `epoll_ctl`, not three.
    unsigned char *state;
    int stateCount;
};

/// Grows `state` to cover `fd`. Returns 0 or ENOMEM.
static int crawl_poller_cover(crawl_poller *poller, int fd) {
    if (fd < poller->stateCount) return 0;
    int count = poller->stateCount > 0 ? poller->stateCount : 256;
    while (count <= fd) {
        if (count > (1 << 28)) return ENOMEM;
        count *= 2;
    }
    unsigned char *grown = realloc(poller->state, (size_t)count);
    if (grown == NULL) return ENOMEM;
    for (int i = poller->stateCount; i < count; i++) grown[i] = 0;
    poller->state = grown;
    poller->stateCount = count;
    return 0;
}

crawl_poller *crawl_poller_create(void) {
    crawl_poller *poller = malloc(sizeof *poller);
    if (poller == NULL) return NULL;
    poller->state = NULL;
    poller->stateCount = 0;
    poller->epoll = epoll_create1(EPOLL_CLOEXEC);
    poller->wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    struct epoll_event event = { .events = EPOLLIN, .data.fd = poller->wake };
    if (poller->epoll < 0 || poller->wake < 0 || epoll_ctl(poller->epoll, EPOLL_CTL_ADD, poller->wake, &event) != 0) {
        int saved = errno;
        if (poller->epoll >= 0) close(poller->epoll);
        if (poller->wake >= 0) close(poller->wake);
        free(poller);
        errno = saved;
        return NULL;
    }
    return poller;
}

void crawl_poller_destroy(crawl_poller *poller) {
    if (poller == NULL) return;
    close(poller->epoll);
    close(poller->wake);
    free(poller->state);
    free(poller);
}

/// Takes `fd` out of the epoll set. ENOENT / EBADF: gone already (the kernel drops a descriptor from
/// the set when its socket is closed).
static int crawl_poller_remove(crawl_poller *poller, int fd) {
    poller->state[fd] = 0;
    if (epoll_ctl(poller->epoll, EPOLL_CTL_DEL, fd, NULL) != 0 && errno != ENOENT && errno != EBADF) return errno;
    return 0;
}

int crawl_poller_watch(crawl_poller *poller, int fd, int events) {
    if (fd < 0 || fd == poller->wake) return EBADF;
    events &= CRAWL_POLLER_IN | CRAWL_POLLER_OUT;
    int covered = crawl_poller_cover(poller, fd);
    if (covered != 0) return covered;
    unsigned char held = poller->state[fd];
    if (events == 0) {
        // Left in the set, unwanted: a wait that sees it ready removes it (see `state`).
        if (held & REGISTERED) poller->state[fd] = REGISTERED;
        return 0;
    }
    if (held == (REGISTERED | events)) return 0;
    struct epoll_event event = {
        .events = ((events & CRAWL_POLLER_IN) ? EPOLLIN : 0) | ((events & CRAWL_POLLER_OUT) ? EPOLLOUT : 0),
        .data.fd = fd,
    };
    // The table can be stale: a socket closed while unwanted left the set with it, and a new socket
    // may have its number. So MOD falls back to ADD, and ADD to MOD.
    int first = (held & REGISTERED) ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
    if (epoll_ctl(poller->epoll, first, fd, &event) != 0) {
        int retry = first == EPOLL_CTL_MOD ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
        if ((errno != ENOENT && errno != EEXIST) || epoll_ctl(poller->epoll, retry, fd, &event) != 0) {
            poller->state[fd] = 0;
            return errno;
        }
    }
    poller->state[fd] = (unsigned char)(REGISTERED | events);
    return 0;
}

int crawl_poller_wait(crawl_poller *poller, crawl_poller_event *events, int capacity, int timeout_ms) {
    enum { batch = 64 };
    struct epoll_event ready[batch];
    int limit = capacity < batch ? capacity : batch;
    if (limit < 1) limit = 1;
    int count = epoll_wait(poller->epoll, ready, limit, timeout_ms);
    if (count < 0) return errno == EINTR ? 0 : -1;
    int written = 0;
    for (int i = 0; i < count; i++) {
        int fd = ready[i].data.fd;
        if (fd == poller->wake) {
            uint64_t drained;
            (void)!read(poller->wake, &drained, sizeof drained);
            continue;
        }
        if (fd < poller->stateCount && poller->state[fd] == REGISTERED) {
            // No longer watched (an idle connection the server closed, say): out of the set now.
            (void)crawl_poller_remove(poller, fd);
            continue;
        }
        uint32_t flags = ready[i].events;
        int out = 0;
        if (flags & (EPOLLERR | EPOLLHUP)) out = CRAWL_POLLER_IN | CRAWL_POLLER_OUT;
        if (flags & EPOLLIN) out |= CRAWL_POLLER_IN;
        if (flags & EPOLLOUT) out |= CRAWL_POLLER_OUT;
        if (written < capacity) events[written++] = (crawl_poller_event){ .fd = fd, .events = out };
    }
    return written;
}

void crawl_poller_wake(crawl_poller *poller) {
    uint64_t one = 1;
    // EAGAIN (the counter is full) still leaves the eventfd readable: the wake-up is pending anyway.
    (void)!write(poller->wake, &one, sizeof one);
}

#else

#include <poll.h>

/// Without epoll: a table of the watched sockets, polled whole on each wait (slot 0 is the wake pipe).
struct crawl_poller {
    struct pollfd *slots;
    int count;
    int capacity;
    int wakeRead;
    int wakeWrite;
};

static int crawl_set_flags(int fd) {
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) return -1;
    return fcntl(fd, F_SETFD, FD_CLOEXEC);
}

crawl_poller *crawl_poller_create(void) {
    crawl_poller *poller = calloc(1, sizeof *poller);
    if (poller == NULL) return NULL;
    int pipeEnds[2];
    poller->capacity = 64;
    poller->slots = calloc((size_t)poller->capacity, sizeof *poller->slots);
    if (poller->slots == NULL || pipe(pipeEnds) != 0) {
        free(poller->slots);
        free(poller);
        return NULL;
    }
    poller->wakeRead = pipeEnds[0];
    poller->wakeWrite = pipeEnds[1];
    if (crawl_set_flags(poller->wakeRead) != 0 || crawl_set_flags(poller->wakeWrite) != 0) {
        int saved = errno;
        crawl_poller_destroy(poller);
        errno = saved;
        return NULL;
    }
    poller->slots[0] = (struct pollfd){ .fd = poller->wakeRead, .events = POLLIN };
    poller->count = 1;
    return poller;
}

void crawl_poller_destroy(crawl_poller *poller) {
    if (poller == NULL) return;
    close(poller->wakeRead);
    close(poller->wakeWrite);
    free(poller->slots);
    free(poller);
}

int crawl_poller_watch(crawl_poller *poller, int fd, int events) {
    if (fd < 0 || fd == poller->wakeRead) return EBADF;
    short wanted = (short)(((events & CRAWL_POLLER_IN) ? POLLIN : 0) | ((events & CRAWL_POLLER_OUT) ? POLLOUT : 0));
    for (int i = 1; i < poller->count; i++) {
        if (poller->slots[i].fd != fd) continue;
        if (wanted == 0) {
            poller->slots[i] = poller->slots[--poller->count];
        } else {
            poller->slots[i].events = wanted;
        }
        return 0;
    }
    if (wanted == 0) return 0;
    if (poller->count == poller->capacity) {
        int grown = poller->capacity * 2;
        struct pollfd *slots = realloc(poller->slots, (size_t)grown * sizeof *slots);
        if (slots == NULL) return ENOMEM;
        poller->slots = slots;
        poller->capacity = grown;
    }
    poller->slots[poller->count++] = (struct pollfd){ .fd = fd, .events = wanted };
    return 0;
}

int crawl_poller_wait(crawl_poller *poller, crawl_poller_event *events, int capacity, int timeout_ms) {
    int ready = poll(poller->slots, (nfds_t)poller->count, timeout_ms);
    if (ready < 0) return errno == EINTR ? 0 : -1;
    if (poller->slots[0].revents) {
        char drained[64];
        while (read(poller->wakeRead, drained, sizeof drained) > 0) {}
    }
    int written = 0;
    for (int i = 1; i < poller->count && written < capacity; i++) {
        short flags = poller->slots[i].revents;
        if (flags == 0) continue;
        if (flags & POLLNVAL) {
            // Closed without a "stop watching": drop it, or every wait would return at once for it.
            poller->slots[i--] = poller->slots[--poller->count];
            continue;
        }
        int out = 0;
        if (flags & (POLLERR | POLLHUP)) out = CRAWL_POLLER_IN | CRAWL_POLLER_OUT;
        if (flags & POLLIN) out |= CRAWL_POLLER_IN;
        if (flags & POLLOUT) out |= CRAWL_POLLER_OUT;
        events[written++] = (crawl_poller_event){ .fd = poller->slots[i].fd, .events = out };
    }
    return written;
}

void crawl_poller_wake(crawl_poller *poller) {
    char one = 1;
    // EAGAIN (the pipe is full) still leaves it readable: the wake-up is pending anyway.
    (void)!write(poller->wakeWrite, &one, 1);
}

#endif
