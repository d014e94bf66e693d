// test_store.h: where a test's store lives. The store and service test binaries run twice under
// CTest: on SQLite files, and (the *_pg tests, under tests/support/with_postgres.sh with
// SHANSHUI_TEST_BACKEND=postgresql) on fresh PostgreSQL databases of a throwaway cluster — the
// same cases, both backends.
#pragma once

#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "core/result.h"
#include "store/pg/connection.h"

namespace shanshui::testing {

inline bool on_postgresql() {
  const char* b = std::getenv("SHANSHUI_TEST_BACKEND");
  return b && std::string(b) == "postgresql";
}

/// The admin URI of the throwaway cluster (SHANSHUI_TEST_PG), with its database name replaced.
inline std::string pg_database_uri(const std::string& name) {
  const char* base = std::getenv("SHANSHUI_TEST_PG");
  std::string uri = base ? base : "";
  auto slash = uri.find("/shanshui");
  return slash == std::string::npos ? uri : uri.substr(0, slash + 1) + name + uri.substr(slash + 9);
}

/// A fresh, empty store location: a SQLite file in `dir`, or a new PostgreSQL database (an
/// error message instead of the URI when the cluster cannot be reached: the test then fails).
inline std::string fresh_store(const std::filesystem::path& dir) {
  if (!on_postgresql()) {
    std::filesystem::create_directories(dir);
    return (dir / "t.db").string();
  }
  static std::atomic<int> counter{0};
  std::string name = "t" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
  auto admin = store::pg::Connection::open(pg_database_uri("shanshui"));
  if (!admin) return "no PostgreSQL for the test: " + admin.error().message;
  if (auto s = admin->exec("CREATE DATABASE " + name); !s) return "cannot create a database: " + s.error().message;
  return pg_database_uri(name);
}

/// Runs SQL against the store behind the software's back (tamper tests, as anyone with access to
/// the file or the server could).
inline Status exec_sql(const std::string& location, const std::string& sql) {
  if (location.rfind("postgresql://", 0) == 0) {
    auto c = store::pg::Connection::open(location);
    if (!c) return tl::unexpected(c.error());
    return c->exec(sql);
  }
  sqlite3* db = nullptr;
  sqlite3_open(location.c_str(), &db);
  char* err = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  std::string msg = err ? err : "";
  sqlite3_free(err);
  sqlite3_close(db);
  if (rc != SQLITE_OK) return fail(sql + ": " + msg);
  return {};
}

}  // namespace shanshui::testing
