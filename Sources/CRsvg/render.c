// See include/crsvg.h. librsvg (librsvg-2.so.2) is opened with dlopen on the first PDF or PNG,
// and its functions and Cairo's (which it links) are looked up there: a `lab` process that
// writes only SVG and JSON never loads the forty-odd libraries behind them, which took about
// 8 ms of every process start. The few types the conversion touches are declared here as the
// GLib, librsvg and Cairo headers define them (their ABI is stable; the values were checked
// against the headers of librsvg 2.54 and Cairo 1.16).
#include "crsvg.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

typedef struct { uint32_t domain; int code; char *message; } GError;  // GQuark, gint, gchar *
typedef struct { double x, y, width, height; } RsvgRectangle;
typedef int cairo_status_t;
typedef cairo_status_t (*cairo_write_func_t)(void *closure, const unsigned char *data, unsigned int length);
enum { CAIRO_STATUS_SUCCESS = 0, CAIRO_STATUS_WRITE_ERROR = 11, CAIRO_FORMAT_RGB24 = 1,
       CAIRO_PDF_METADATA_CREATOR = 4, CAIRO_PDF_METADATA_CREATE_DATE = 5 };

static struct {
    void *(*handle_new_from_data)(const unsigned char *data, size_t length, GError **error);
    int (*handle_render_document)(void *handle, void *cr, const RsvgRectangle *viewport, GError **error);
    void (*object_unref)(void *object);
    void (*error_free)(GError *error);
    void *(*pdf_surface_create_for_stream)(cairo_write_func_t write, void *closure, double width, double height);
    void (*pdf_surface_set_metadata)(void *surface, int metadata, const char *utf8);
    void *(*image_surface_create)(int format, int width, int height);
    void *(*create)(void *surface);
    void (*set_source_rgb)(void *cr, double red, double green, double blue);
    void (*paint)(void *cr);
    void (*destroy)(void *cr);
    cairo_status_t (*surface_write_to_png_stream)(void *surface, cairo_write_func_t write, void *closure);
    void (*surface_finish)(void *surface);
    cairo_status_t (*surface_status)(void *surface);
    const char *(*status_to_string)(cairo_status_t status);
    void (*surface_destroy)(void *surface);
} lib;
static char load_error[512];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load(void) {
    void *rsvg = dlopen("librsvg-2.so.2", RTLD_NOW | RTLD_LOCAL);
    if (!rsvg) {
        snprintf(load_error, sizeof load_error, "PDF and PNG need librsvg (Debian's librsvg2-2; make deps installs it): %s", dlerror());
        return;
    }
    // Each name from librsvg or the libraries it links (Cairo, GObject, GLib).
#define LOOK(field, name) if (!(*(void **)&lib.field = dlsym(rsvg, name))) { \
        snprintf(load_error, sizeof load_error, "librsvg was loaded but has no %s: %s", name, dlerror()); return; }
    LOOK(handle_new_from_data, "rsvg_handle_new_from_data")
    LOOK(handle_render_document, "rsvg_handle_render_document")
    LOOK(object_unref, "g_object_unref")
    LOOK(error_free, "g_error_free")
    LOOK(pdf_surface_create_for_stream, "cairo_pdf_surface_create_for_stream")
    LOOK(pdf_surface_set_metadata, "cairo_pdf_surface_set_metadata")
    LOOK(image_surface_create, "cairo_image_surface_create")
    LOOK(create, "cairo_create")
    LOOK(set_source_rgb, "cairo_set_source_rgb")
    LOOK(paint, "cairo_paint")
    LOOK(destroy, "cairo_destroy")
    LOOK(surface_write_to_png_stream, "cairo_surface_write_to_png_stream")
    LOOK(surface_finish, "cairo_surface_finish")
    LOOK(surface_status, "cairo_surface_status")
    LOOK(status_to_string, "cairo_status_to_string")
    LOOK(surface_destroy, "cairo_surface_destroy")
#undef LOOK
}

struct flatlab_stream { flatlab_sink sink; void *context; };

static cairo_status_t flatlab_write(void *closure, const unsigned char *data, unsigned int length) {
    struct flatlab_stream *s = (struct flatlab_stream *)closure;
    return s->sink(s->context, data, length) == 0 ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

int flatlab_render_svg(const char *svg, size_t length, int pdf, double width, double height,
                       flatlab_sink sink, void *context, char *error, size_t capacity) {
    pthread_once(&once, load);
    if (load_error[0]) {
        snprintf(error, capacity, "%s", load_error);
        return 1;
    }
    GError *e = NULL;
    void *handle = lib.handle_new_from_data((const unsigned char *)svg, length, &e);
    if (!handle) {
        snprintf(error, capacity, "%s", e ? e->message : "librsvg could not read the SVG");
        if (e) lib.error_free(e);
        return 1;
    }
    struct flatlab_stream stream = { sink, context };
    void *surface;
    if (pdf) {
        surface = lib.pdf_surface_create_for_stream(flatlab_write, &stream, width, height);
        lib.pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, "2000-01-01T00:00:00Z");
        lib.pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "flatlab");
    } else {
        surface = lib.image_surface_create(CAIRO_FORMAT_RGB24, (int)width, (int)height);
    }
    void *cr = lib.create(surface);
    if (!pdf) {
        lib.set_source_rgb(cr, 1, 1, 1);
        lib.paint(cr);
    }
    RsvgRectangle viewport = { 0, 0, width, height };
    int status = 0;
    if (!lib.handle_render_document(handle, cr, &viewport, &e)) {
        snprintf(error, capacity, "%s", e ? e->message : "librsvg could not render the SVG");
        if (e) lib.error_free(e);
        status = 1;
    }
    lib.destroy(cr);
    if (status == 0 && !pdf && lib.surface_write_to_png_stream(surface, flatlab_write, &stream) != CAIRO_STATUS_SUCCESS) {
        snprintf(error, capacity, "cairo could not write the PNG");
        status = 1;
    }
    lib.surface_finish(surface);
    if (status == 0 && lib.surface_status(surface) != CAIRO_STATUS_SUCCESS) {
        snprintf(error, capacity, "cairo: %s", lib.status_to_string(lib.surface_status(surface)));
        status = 1;
    }
    lib.surface_destroy(surface);
    lib.object_unref(handle);
    return status;
}
