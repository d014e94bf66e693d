// connection.cpp: SQLite RAII wrappers; errors carry SQLite's message and extended code.
#include "store/sqlite/connection.h"

#include <sqlite3.h>

namespace shanshui::store::sqlite {
namespace {

Error sql_error(sqlite3* db, const std::string& what) {
  return Error{what + ": " + sqlite3_errmsg(db) + " (code " + std::to_string(sqlite3_extended_errcode(db)) + ")"};
}

}  // namespace

Statement::~Statement() {
  if (stmt_) sqlite3_finalize(stmt_);
}

Statement& Statement::bind(int i, const std::string& v) {
  sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::bind(int i, int64_t v) {
  sqlite3_bind_int64(stmt_, i, v);
  return *this;
}
Statement& Statement::bind(int i, double v) {
  sqlite3_bind_double(stmt_, i, v);
  return *this;
}
Statement& Statement::bind_blob(int i, const std::string& v) {
  sqlite3_bind_blob(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::bind_null(int i) {
  sqlite3_bind_null(stmt_, i);
  return *this;
}

Result<bool> Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return tl::unexpected(sql_error(db_, "step"));
}

Status Statement::run() {
  for (;;) {
    auto r = step();
    SS_TRY(r);
    if (!*r) return {};
  }
}

Status Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  return {};
}

std::string Statement::text(int col) const {
  // Blob-safe: reads the bytes, whatever the column's type.
  const void* p = sqlite3_column_type(stmt_, col) == SQLITE_BLOB
                      ? sqlite3_column_blob(stmt_, col)
                      : static_cast<const void*>(sqlite3_column_text(stmt_, col));
  return p ? std::string(static_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(stmt_, col))) : "";
}
int64_t Statement::integer(int col) const { return sqlite3_column_int64(stmt_, col); }
double Statement::real(int col) const { return sqlite3_column_double(stmt_, col); }

Result<Connection> Connection::open(const std::string& path) {
  // No global memory statistics: they put every SQLite allocation behind one process-wide mutex
  // (the listener's writer and the dashboard's readers would contend on it). Before any use.
  static const bool configured = [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return true;
  }();
  (void)configured;
  sqlite3* db = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = path + ": cannot open database: " + (db ? sqlite3_errmsg(db) : "out of memory");
    sqlite3_close(db);
    return fail(msg);
  }
  Connection c(db);
  // busy_timeout first, so the WAL switch itself waits for other connections (SOCI#1254).
  for (const char* pragma :
       {"PRAGMA busy_timeout=5000", "PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON"}) {
    if (auto s = c.exec(pragma); !s) return fail(path + ": " + s.error().message);
  }
  return c;
}

Connection::~Connection() {
  if (db_) sqlite3_close(db_);
}

Status Connection::exec(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    return fail("sql: " + msg);
  }
  return {};
}

Result<Statement> Connection::prepare(const std::string& sql) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK)
    return tl::unexpected(sql_error(db_, "prepare"));
  return Statement(db_, st);
}

int64_t Connection::changes() const { return sqlite3_changes(db_); }

Status Transaction::begin() {
  nested_ = sqlite3_get_autocommit(c_.raw()) == 0;
  return c_.exec(nested_ ? "SAVEPOINT shanshui_nested" : "BEGIN IMMEDIATE");
}

Status Transaction::commit() {
  auto s = c_.exec(nested_ ? "RELEASE shanshui_nested" : "COMMIT");
  if (s) done_ = true;
  return s;
}

Transaction::~Transaction() {
  if (done_) return;
  if (nested_)
    (void)c_.exec("ROLLBACK TO shanshui_nested; RELEASE shanshui_nested");
  else
    (void)c_.exec("ROLLBACK");
}

}  // namespace shanshui::store::sqlite
