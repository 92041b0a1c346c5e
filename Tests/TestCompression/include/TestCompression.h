#ifndef CRAWL_TEST_COMPRESSION_H
#define CRAWL_TEST_COMPRESSION_H

#include <stddef.h>
#include <stdint.h>

/// The encoders the tests make content-coded bodies with.
typedef enum {
    TEST_CODING_GZIP = 0,        // RFC 1952
    TEST_CODING_ZLIB = 1,        // RFC 1950: what "deflate" means in HTTP
    TEST_CODING_RAW_DEFLATE = 2, // RFC 1951 without a wrapper, which some servers send as "deflate"
    TEST_CODING_BROTLI = 3,
    TEST_CODING_ZSTD = 4,
} test_coding;

/// Compresses `input` into `output` (room for `capacity` bytes). Returns the encoded length, or 0
/// when the encoder fails or the output does not fit.
size_t test_compress(test_coding coding, int level, const uint8_t *input, size_t length, uint8_t *output, size_t capacity);

#endif
