// static_files.h: the dashboard's files, read once per modification and gzipped once (not per
// request: the browser libraries are large and a county link is slow), and the security headers
// sent with every response.
#pragma once

#include <sys/stat.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "http/wire.h"

namespace shanshui::http {

class StaticFiles {
 public:
  explicit StaticFiles(std::string root) : root_(std::move(root)) {}
  /// GET/HEAD of a plain file name under the root ("/" is index.html); 404 for anything else.
  void serve(const Request& req, Response& res);

 private:
  struct File {
    std::string body, gzipped, type;
    time_t mtime = 0;
    off_t size = 0;
  };
  static std::string type_of(const std::string& name);
  std::string root_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<const File>> files_;  // bounded by the files under root_
};

/// No sniffing, no framing, no referrer, scripts only from this origin (docs/security.md).
std::vector<std::pair<std::string, std::string>> security_headers(bool behind_tls);

}  // namespace shanshui::http
