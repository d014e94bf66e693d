// open_store.cpp: the backend a location names (store.h's open_store).
#include <cctype>
#include <cstdlib>

#include "core/text.h"
#include "store/store.h"

namespace shanshui::store {

bool is_postgresql(const std::string& location) {
  return location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0;
}

std::string sqlite_file(const std::string& location) {
  return location.rfind("sqlite:", 0) == 0 ? location.substr(7) : location;
}

std::string file_beside(const std::string& location, const std::string& suffix) {
  if (!is_postgresql(location)) return sqlite_file(location) + suffix;
  const char* dir = std::getenv("SHANSHUI_STATE_DIR");
  std::string db = location.substr(0, location.find('?'));
  db = db.substr(db.rfind('/') + 1);
  std::string name;
  for (char ch : db.substr(0, 40)) name += std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' ? ch : '-';
  return std::string(dir && *dir ? dir : "var") + "/pg-" + name + "-" + text::sha256_hex(location).substr(0, 8) +
         suffix;
}

Result<std::unique_ptr<Store>> open_store(const std::string& location) {
  if (is_postgresql(location)) return open_pg_store(location);
  return open_sqlite_store(sqlite_file(location));
}

}  // namespace shanshui::store
