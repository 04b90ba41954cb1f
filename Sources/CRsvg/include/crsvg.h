// flatlab's SVG drawn onto a PDF or PNG by librsvg and Cairo, loaded when first asked for
// (render.c), so the many libraries behind them (Pango, HarfBuzz, fontconfig, GIO, …) cost a
// `lab` process nothing until it writes a PDF or PNG.
#ifndef CRSVG_H
#define CRSVG_H

#include <stddef.h>

typedef int (*flatlab_sink)(void *context, const unsigned char *bytes, unsigned int length);

/// Renders `svg` (length bytes) onto a page `width` × `height` units: PDF points when `pdf`
/// is 1 (with a fixed creation date, so the same input gives the same bytes), else PNG pixels on
/// white. Bytes go to `sink`. Returns 0, or 1 with a message (at most `capacity` bytes) in
/// `error`: also when librsvg cannot be loaded.
int flatlab_render_svg(const char *svg, size_t length, int pdf, double width, double height,
                       flatlab_sink sink, void *context, char *error, size_t capacity);

#endif
