// open_store.cpp: the backend a location names (store.h's open_store).
#include "store/store.h"

namespace shanshui::store {

bool is_postgresql(const std::string& location) {
  return location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0;
}

Result<std::unique_ptr<Store>> open_store(const std::string& location) {
  if (is_postgresql(location)) return open_pg_store(location);
  return open_sqlite_store(location.rfind("sqlite:", 0) == 0 ? location.substr(7) : location);
}

}  // namespace shanshui::store
