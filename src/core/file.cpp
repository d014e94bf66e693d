// file.cpp: see file.h.
#include "core/file.h"

#include <fstream>
#include <sstream>

namespace shanshui {

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(path + ": cannot open");
  std::ostringstream all;
  all << in.rdbuf();
  return all.str();
}

}  // namespace shanshui
