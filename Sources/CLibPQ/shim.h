#define _GNU_SOURCE
#include <libpq-fe.h>
#include <poll.h>
#include <time.h>

/// Waits up to `micros` microseconds for `fd` to be readable: 1 when it is, 0 when the time ran
/// out, -1 on error. Glibc's Swift module hides ppoll (a _GNU_SOURCE extension) and poll counts
/// milliseconds.
static inline int torture_wait_readable(int fd, long micros) {
    struct pollfd descriptor = { .fd = fd, .events = POLLIN, .revents = 0 };
    if (micros >= 1000) return poll(&descriptor, 1, (int)(micros / 1000));
    struct timespec timeout = { .tv_sec = 0, .tv_nsec = micros * 1000 };
    return ppoll(&descriptor, 1, &timeout, 0);
}
