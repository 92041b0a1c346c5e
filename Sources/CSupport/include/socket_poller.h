#ifndef CRAWL_SOCKET_POLLER_H
#define CRAWL_SOCKET_POLLER_H

/// The sockets libcurl asks the transfer loop to watch, and a way to wake the loop from other threads.
///
/// The loop drives libcurl with `curl_multi_socket_action`, which hands curl only the sockets that are
/// ready, with their readiness. `curl_multi_perform` instead runs every transfer on every call, and
/// curl 7.88 then polls each transfer's socket itself (one `poll` syscall per transfer per call: about
/// 90,000 per 20,000-page benchmark crawl). epoll on Linux; `poll` over a table elsewhere.
///
/// One thread owns a poller (create, watch, wait, destroy); `crawl_poller_wake` may be called from any
/// thread while the poller exists.

/// Readiness bits, for `crawl_poller_watch` and in `crawl_poller_event.events`.
enum { CRAWL_POLLER_IN = 1, CRAWL_POLLER_OUT = 2 };

typedef struct crawl_poller crawl_poller;

typedef struct {
    int fd;
    /// CRAWL_POLLER_IN / CRAWL_POLLER_OUT. An error or hang-up on the socket reports both, so the
    /// reader or writer finds the error itself.
    int events;
} crawl_poller_event;

/// NULL when the kernel refuses (out of descriptors); errno says why.
crawl_poller *crawl_poller_create(void);

/// Closes the poller's own descriptors (not the watched sockets).
void crawl_poller_destroy(crawl_poller *poller);

/// Watches `fd` for `events` (replacing what was watched before), or stops watching it when `events` is
/// 0. Returns 0, or an errno value. Stopping a socket that is not watched (or already closed) is not an
/// error.
int crawl_poller_watch(crawl_poller *poller, int fd, int events);

/// Waits up to `timeout_ms` (-1: no limit) for ready sockets or a wake-up. Writes at most `capacity`
/// events and returns how many (0 after a timeout, a wake-up or a signal), or -1 with errno set.
/// Wake-ups are consumed here and not reported.
int crawl_poller_wait(crawl_poller *poller, crawl_poller_event *events, int capacity, int timeout_ms);

/// Makes the current or next `crawl_poller_wait` return. Any thread; async-signal-safe.
void crawl_poller_wake(crawl_poller *poller);

#endif
