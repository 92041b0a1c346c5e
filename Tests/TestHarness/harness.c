// Set-up of the test process itself, before Swift Testing starts.
//
// Swift Testing starts every test at once by default. On two cores, the 458 tests' first jobs then
// queued on Swift's cooperative pool (one thread per core) for seconds: a probe task waited 1.5 to
// 5.7 s for a pool thread in a parallel `swift test` (three runs), so the in-process crawls, test
// servers and timers of the tests with timing checks stood still, and those checks failed at random
// (Z1's 2.5 s wall bound took 4.2 s and 3.3 s in 2 of 6 runs beside two busy loops). With at most four
// test cases per core running at once, the same probe's longest wait was 16 ms, 1.3 s and 0.2 s (three
// runs), the suite passed 4 runs out of 4 beside two busy loops, and the run got no slower: 31 and
// 38 s, against 42 to 50 s without the limit (measured on the 2-core machine).
//
// The width is Swift Testing's `SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH`, read once when the
// runner starts: it is set here, in a constructor of the test binary, so that plain `swift test` (the
// README's command) gets it. A value already in the environment is left alone.
#include "TestHarness.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static const char *const widthVariable = "SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH";
static long widthSet = 0;

__attribute__((constructor))
static void crawl_test_harness_limit_parallelism(void) {
    if (getenv(widthVariable) != NULL) return;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    if (cores < 1) cores = 1;
    char value[32];
    snprintf(value, sizeof value, "%ld", cores * 4);
    if (setenv(widthVariable, value, 0) == 0) widthSet = cores * 4;
}

long crawl_test_harness_parallel_width(void) {
    return widthSet;
}
