// The decoders for HTTP content codings: zlib (gzip, deflate), brotli (br) and zstd.
//
// libcurl links all three already; crawl decodes bodies itself (CURLOPT_HTTP_CONTENT_DECODING off)
// because libcurl 7.88 never checks that a stream reached its end, so a truncated gzip body read as a
// complete, shorter page. Only ContentCoding imports this module.
#ifndef CCOMPRESSION_SHIM_H
#define CCOMPRESSION_SHIM_H

#include <string.h>
#include <zlib.h>
#include <brotli/decode.h>
#include <zstd.h>

/// `inflateInit2` is a macro (it passes zlib's version and the struct's size), which Swift cannot call.
/// The stream is zeroed first: zlib then uses its own allocator.
static inline int ccompression_inflate_init(z_stream *stream, int window_bits) {
    memset(stream, 0, sizeof *stream);
    return inflateInit2(stream, window_bits);
}

#endif
