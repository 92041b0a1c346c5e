#include "TestCompression.h"

#include <brotli/encode.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

static size_t deflate_with(int window_bits, int level, const uint8_t *input, size_t length, uint8_t *output, size_t capacity) {
    z_stream stream;
    memset(&stream, 0, sizeof stream);
    if (deflateInit2(&stream, level, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY) != Z_OK) return 0;
    stream.next_in = (Bytef *)input;
    stream.avail_in = (uInt)length;
    stream.next_out = output;
    stream.avail_out = (uInt)capacity;
    int status = deflate(&stream, Z_FINISH);
    size_t written = capacity - stream.avail_out;
    deflateEnd(&stream);
    return status == Z_STREAM_END ? written : 0;
}

size_t test_compress(test_coding coding, int level, const uint8_t *input, size_t length, uint8_t *output, size_t capacity) {
    switch (coding) {
    case TEST_CODING_GZIP: return deflate_with(15 + 16, level, input, length, output, capacity);
    case TEST_CODING_ZLIB: return deflate_with(15, level, input, length, output, capacity);
    case TEST_CODING_RAW_DEFLATE: return deflate_with(-15, level, input, length, output, capacity);
    case TEST_CODING_BROTLI: {
        size_t written = capacity;
        return BrotliEncoderCompress(level, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_TEXT, length, input, &written, output) ? written : 0;
    }
    case TEST_CODING_ZSTD: {
        size_t written = ZSTD_compress(output, capacity, input, length, level);
        return ZSTD_isError(written) ? 0 : written;
    }
    }
    return 0;
}
