// librsvg renders flatlab's own SVG onto a Cairo PDF or PNG surface, in process. The whole
// conversion is this one C function, so Swift sees a small surface instead of GLib's.
#include <librsvg/rsvg.h>
#include <cairo.h>
#include <cairo-pdf.h>
#include <string.h>

typedef int (*flatlab_sink)(void *context, const unsigned char *bytes, unsigned int length);

struct flatlab_stream { flatlab_sink sink; void *context; };

static cairo_status_t flatlab_write(void *closure, const unsigned char *data, unsigned int length) {
    struct flatlab_stream *s = (struct flatlab_stream *)closure;
    return s->sink(s->context, data, length) == 0 ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

/// Renders `svg` (length bytes) onto a page `width` × `height` units: PDF points when `pdf`
/// is 1 (with a fixed creation date, so the same input gives the same bytes), else PNG pixels on
/// white. Bytes go to `sink`. Returns 0, or 1 with a message (at most `capacity` bytes) in
/// `error`.
static inline int flatlab_render_svg(const char *svg, size_t length, int pdf, double width, double height,
                                     flatlab_sink sink, void *context, char *error, size_t capacity) {
    GError *e = NULL;
    RsvgHandle *handle = rsvg_handle_new_from_data((const guint8 *)svg, length, &e);
    if (!handle) {
        snprintf(error, capacity, "%s", e ? e->message : "librsvg could not read the SVG");
        if (e) g_error_free(e);
        return 1;
    }
    struct flatlab_stream stream = { sink, context };
    cairo_surface_t *surface;
    if (pdf) {
        surface = cairo_pdf_surface_create_for_stream(flatlab_write, &stream, width, height);
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, "2000-01-01T00:00:00Z");
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "flatlab");
    } else {
        surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)width, (int)height);
    }
    cairo_t *cr = cairo_create(surface);
    if (!pdf) {
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_paint(cr);
    }
    RsvgRectangle viewport = { 0, 0, width, height };
    int status = 0;
    if (!rsvg_handle_render_document(handle, cr, &viewport, &e)) {
        snprintf(error, capacity, "%s", e ? e->message : "librsvg could not render the SVG");
        if (e) g_error_free(e);
        status = 1;
    }
    cairo_destroy(cr);
    if (status == 0 && !pdf && cairo_surface_write_to_png_stream(surface, flatlab_write, &stream) != CAIRO_STATUS_SUCCESS) {
        snprintf(error, capacity, "cairo could not write the PNG");
        status = 1;
    }
    cairo_surface_finish(surface);
    if (status == 0 && cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
        snprintf(error, capacity, "cairo: %s", cairo_status_to_string(cairo_surface_status(surface)));
        status = 1;
    }
    cairo_surface_destroy(surface);
    g_object_unref(handle);
    return status;
}
