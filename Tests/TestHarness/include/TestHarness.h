#ifndef CRAWL_TEST_HARNESS_H
#define CRAWL_TEST_HARNESS_H

/// The most test cases Swift Testing runs at once in this test process (see harness.c), as the harness
/// set it before the test runner started: 0 when the caller's environment had set it instead.
long crawl_test_harness_parallel_width(void);

#endif
