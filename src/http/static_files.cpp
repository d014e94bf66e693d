// static_files.cpp: serving the dashboard's files, and the security headers (see static_files.h).
#include "http/static_files.h"

#include <fstream>
#include <iterator>
#include <sstream>

#include "http/api.h"
#include "http/cache.h"

namespace shanshui::http {

void StaticFiles::serve(const Request& req, Response& res) {
  if (req.method != "GET" && req.method != "HEAD") return send_error(res, 405, "only GET and HEAD outside /api/");
  std::string rel = req.path == "/" ? "index.html" : req.path.substr(1);
  // Only plain names: no "..", ".", empty segments, backslashes or hidden files.
  std::stringstream segments(rel);
  for (std::string seg; std::getline(segments, seg, '/');)
    if (seg.empty() || seg[0] == '.' || seg.find('\\') != std::string::npos)
      return send_error(res, 404, "no such file");
  if (rel.back() == '/') return send_error(res, 404, "no such file");
  std::string full = root_ + "/" + rel;
  struct stat info {};
  if (::stat(full.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) return send_error(res, 404, "no such file");
  std::shared_ptr<const File> f;
  {
    std::lock_guard lock(mu_);
    auto it = files_.find(rel);
    if (it != files_.end() && it->second->mtime == info.st_mtime && it->second->size == info.st_size) f = it->second;
  }
  if (!f) {
    auto nf = std::make_shared<File>();
    std::ifstream in(full, std::ios::binary);
    nf->body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    nf->mtime = info.st_mtime;
    nf->size = info.st_size;
    nf->type = type_of(rel);
    // A pre-compressed twin (FILE.gz, written by the dashboard's build at level 9) is sent as is when
    // it is at least as new as the file; otherwise text is gzipped here, once.
    struct stat gz_info {};
    std::string gz_path = full + ".gz";
    if (::stat(gz_path.c_str(), &gz_info) == 0 && S_ISREG(gz_info.st_mode) && gz_info.st_mtime >= info.st_mtime) {
      std::ifstream gz(gz_path, std::ios::binary);
      nf->gzipped.assign(std::istreambuf_iterator<char>(gz), std::istreambuf_iterator<char>());
    } else if (nf->type.find("charset") != std::string::npos && nf->body.size() > 1024) {
      nf->gzipped = gzip(nf->body);
    }
    std::lock_guard lock(mu_);
    files_[rel] = nf;
    f = nf;
  }
  res.status = 200;
  res.set_header("Cache-Control", "max-age=600");
  if (!f->gzipped.empty() && accepts_gzip(req)) {
    res.set_content(f->gzipped, f->type);
    res.set_header("Content-Encoding", "gzip");
    res.set_header("Vary", "Accept-Encoding");
  } else {
    res.set_content(f->body, f->type);
  }
}

std::string StaticFiles::type_of(const std::string& name) {
  static const std::map<std::string, std::string> types = {{"html", "text/html; charset=utf-8"},
                                                           {"js", "application/javascript; charset=utf-8"},
                                                           {"mjs", "application/javascript; charset=utf-8"},
                                                           {"css", "text/css; charset=utf-8"},
                                                           {"json", "application/json; charset=utf-8"},
                                                           {"geojson", "application/geo+json; charset=utf-8"},
                                                           {"svg", "image/svg+xml"},
                                                           {"png", "image/png"},
                                                           {"ico", "image/x-icon"},
                                                           {"woff2", "font/woff2"}};
  auto dot = name.rfind('.');
  auto it = dot == std::string::npos ? types.end() : types.find(name.substr(dot + 1));
  return it == types.end() ? "application/octet-stream" : it->second;
}

// Sent with every response (docs/security.md): no sniffing, no framing, no referrer, scripts only
// from this origin. ECharts and OpenLayers set inline styles, hence 'unsafe-inline' for styles only.
std::vector<std::pair<std::string, std::string>> security_headers(bool behind_tls) {
  std::vector<std::pair<std::string, std::string>> h = {
      {"X-Content-Type-Options", "nosniff"},
      {"X-Frame-Options", "DENY"},
      {"Referrer-Policy", "no-referrer"},
      {"Cross-Origin-Opener-Policy", "same-origin"},
      {"Content-Security-Policy",
       "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
       "connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'"}};
  if (behind_tls) h.emplace_back("Strict-Transport-Security", "max-age=31536000");
  return h;
}

}  // namespace shanshui::http
