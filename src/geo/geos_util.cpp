// geos_util.cpp: per-thread GEOS contexts and WKB conversion (see geos_util.h).
#include "geo/geos_util.h"

#include <cstdarg>
#include <cstdio>

namespace shanshui::geo::detail {
namespace {

struct Context {
  GEOSContextHandle_t handle = GEOS_init_r();
  std::string error;
  Context() {
    GEOSContext_setErrorMessageHandler_r(
        handle, [](const char* message, void* self) { static_cast<Context*>(self)->error = message ? message : ""; },
        this);
  }
  ~Context() { GEOS_finish_r(handle); }
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;
};

Context& context() {
  thread_local Context c;
  return c;
}

}  // namespace

GEOSContextHandle_t geos() { return context().handle; }
std::string geos_error() { return context().error; }

Geom from_wkb(const std::string& wkb) {
  context().error.clear();
  return Geom(GEOSGeomFromWKB_buf_r(geos(), reinterpret_cast<const unsigned char*>(wkb.data()), wkb.size()));
}

std::string to_wkb(const GEOSGeometry* g) {
  GEOSWKBWriter* w = GEOSWKBWriter_create_r(geos());
  GEOSWKBWriter_setOutputDimension_r(geos(), w, 2);
  GEOSWKBWriter_setByteOrder_r(geos(), w, GEOS_WKB_NDR);
  size_t size = 0;
  unsigned char* buf = GEOSWKBWriter_write_r(geos(), w, g, &size);
  std::string out(reinterpret_cast<const char*>(buf), size);
  GEOSFree_r(geos(), buf);
  GEOSWKBWriter_destroy_r(geos(), w);
  return out;
}

}  // namespace shanshui::geo::detail
