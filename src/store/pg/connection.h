// connection.h: a thin RAII layer over libpq (PostgreSQL's C client) that returns Result instead of
// throwing — the PostgreSQL counterpart of store/sqlite/connection.h, on which the PostgreSQL
// store is built (issue 14). libpq itself stays in connection.cpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

struct pg_conn;
struct pg_result;

namespace shanshui::store::pg {

/// One statement parameter ($1, $2, …): text, bytes (sent as binary bytea) or NULL.
struct Param {
  enum class Kind { text, bytes, null } kind = Kind::null;
  std::string value;
  static Param of(std::string s) { return {Kind::text, std::move(s)}; }
  static Param of(const char* s) { return {Kind::text, s}; }
  static Param of(int64_t v) { return {Kind::text, std::to_string(v)}; }
  static Param of(double v);  // shortest text that reads back as the same double
  static Param blob(std::string bytes) { return {Kind::bytes, std::move(bytes)}; }
  static Param none() { return {}; }
};

/// A statement's answer: the rows as text (NULL as nullopt, bytea decoded to bytes by bytes()),
/// and how many rows it changed.
struct Rows {
  std::vector<std::string> columns;
  std::vector<std::vector<std::optional<std::string>>> rows;
  int64_t changed = 0;
  size_t size() const { return rows.size(); }
  bool null(size_t r, size_t c) const { return !rows.at(r).at(c); }
  std::string text(size_t r, size_t c) const { return rows.at(r).at(c).value_or(""); }
  int64_t integer(size_t r, size_t c) const;
  double real(size_t r, size_t c) const;
  std::string bytes(size_t r, size_t c) const;  // a bytea column
};

/// Appends one element to a PostgreSQL array literal being built ("{" first, "}" last): the text
/// quoted with its quotes and backslashes escaped, or NULL. How a batch goes as one parameter.
void append_array_element(std::string& literal, const std::optional<std::string>& value);
/// A whole array literal of texts: {"a","b\"c"}.
std::string array_literal(const std::vector<std::string>& values);

/// One connection to a PostgreSQL server. Not thread-safe: one per thread, as with SQLite.
class Connection {
 public:
  /// Connects with a libpq connection string or URI ("postgresql://user@host/db", …).
  static Result<Connection> open(const std::string& conninfo);
  Connection(Connection&& o) noexcept : c_(o.c_), sqlstate_(std::move(o.sqlstate_)), depth_(o.depth_), lost_(o.lost_) {
    o.c_ = nullptr;
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  /// One or more statements without parameters (schema, BEGIN, …).
  Status exec(const std::string& sql);
  /// One statement with $n parameters.
  Result<Rows> query(const std::string& sql, const std::vector<Param>& params = {});
  /// The SQLSTATE of the last failure ("" after a success): "23505" a unique key already taken,
  /// "08006" the connection lost, …
  const std::string& sqlstate() const { return sqlstate_; }
  /// Whether the connection is up; false once the server went away (then reset() reconnects).
  bool ok() const;
  Status reset();
  /// Open transactions on this connection (0: none).
  int depth() const { return depth_; }

 private:
  friend class Transaction;
  explicit Connection(pg_conn* c) : c_(c) {}
  std::string failure(pg_result* r);  // records the SQLSTATE, frees r, returns the message
  pg_conn* c_;
  std::string sqlstate_;
  int depth_ = 0;      // open transactions: BEGIN at 0, SAVEPOINTs inside it
  bool lost_ = false;  // the server went away; reset() reconnects
};

/// BEGIN … COMMIT; rolls back in the destructor unless committed. Inside another transaction it
/// is a SAVEPOINT, so one write may call another and both land or neither does.
class Transaction {
 public:
  explicit Transaction(Connection& c) : c_(c) {}
  Status begin();
  Status commit();
  /// Whether this is the outermost transaction (BEGIN, not a SAVEPOINT); valid after begin().
  bool outer() const { return level_ == 0; }
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

 private:
  Connection& c_;
  bool open_ = false;
  int level_ = 0;  // 0: the outer transaction; n: SAVEPOINT sp_n
};

}  // namespace shanshui::store::pg
