// connection.h: a thin RAII layer over the SQLite C API that returns Status instead of throwing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace shanshui::store::sqlite {

/// A prepared statement. Bind indices are 1-based, column indices 0-based. Not thread-safe.
class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Statement(Statement&& o) noexcept : db_(o.db_), stmt_(o.stmt_) { o.stmt_ = nullptr; }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  Statement& bind(int i, const std::string& v);
  Statement& bind(int i, int64_t v);
  Statement& bind(int i, double v);
  Statement& bind_null(int i);
  Statement& bind_blob(int i, const std::string& bytes);
  /// Steps once: true while a row is available, false when done; an error otherwise.
  Result<bool> step();
  /// Runs to completion.
  Status run();
  Status reset();
  std::string text(int col) const;
  int64_t integer(int col) const;
  double real(int col) const;
  sqlite3_stmt* raw() const { return stmt_; }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

/// One connection. WAL, synchronous=NORMAL, busy_timeout and foreign keys are set on open.
class Connection {
 public:
  static Result<Connection> open(const std::string& path);
  Connection(Connection&& o) noexcept : db_(o.db_) { o.db_ = nullptr; }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  Status exec(const std::string& sql);
  Result<Statement> prepare(const std::string& sql);
  int64_t changes() const;
  sqlite3* raw() const { return db_; }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  sqlite3* db_;
};

/// BEGIN IMMEDIATE … COMMIT; rolls back in the destructor unless committed. Inside another
/// transaction it is a SAVEPOINT, so one write may call another and both land or neither does.
class Transaction {
 public:
  explicit Transaction(Connection& c) : c_(c) {}
  Status begin();
  Status commit();
  ~Transaction();

 private:
  Connection& c_;
  bool done_ = false;
  bool nested_ = false;
};

}  // namespace shanshui::store::sqlite
