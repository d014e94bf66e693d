// connection.cpp: libpq behind the Result-returning connection (see connection.h).
#include "store/pg/connection.h"

#include <libpq-fe.h>

#include <charconv>
#include <cstdlib>

namespace shanshui::store::pg {
namespace {

std::string trimmed(const char* s) {
  std::string m = s ? s : "";
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  return m;
}

int hex(char c) { return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c - 'A' + 10; }

}  // namespace

Param Param::of(double v) {
  char b[32];
  auto [end, ec] = std::to_chars(b, b + sizeof b, v);
  return {Kind::text, std::string(b, ec == std::errc() ? end : b)};
}

void append_array_element(std::string& literal, const std::optional<std::string>& value) {
  if (literal.size() > 1) literal += ',';
  if (!value) {
    literal += "NULL";
    return;
  }
  literal += '"';
  for (char ch : *value) {
    if (ch == '"' || ch == '\\') literal += '\\';
    literal += ch;
  }
  literal += '"';
}

std::string array_literal(const std::vector<std::string>& values) {
  std::string out = "{";
  for (const auto& v : values) append_array_element(out, v);
  return out + "}";
}

int64_t Rows::integer(size_t r, size_t c) const { return std::strtoll(text(r, c).c_str(), nullptr, 10); }
double Rows::real(size_t r, size_t c) const { return std::strtod(text(r, c).c_str(), nullptr); }

std::string Rows::bytes(size_t r, size_t c) const {
  std::string t = text(r, c);  // bytea in text form: "\x" and two hex digits per byte
  if (t.size() < 2 || t[0] != '\\' || t[1] != 'x') return t;
  std::string out;
  out.reserve((t.size() - 2) / 2);
  for (size_t i = 2; i + 1 < t.size(); i += 2) out.push_back(static_cast<char>(hex(t[i]) << 4 | hex(t[i + 1])));
  return out;
}

Result<Connection> Connection::open(const std::string& conninfo) {
  PGconn* c = PQconnectdb(conninfo.c_str());
  if (!c) return fail("postgresql: out of memory");
  if (PQstatus(c) != CONNECTION_OK) {
    std::string why = trimmed(PQerrorMessage(c));
    PQfinish(c);
    return fail("database unavailable: postgresql cannot be reached (" + why + ")");
  }
  // Times as the plan writes them, and no notices on stderr.
  PQsetNoticeProcessor(
      c, [](void*, const char*) {}, nullptr);
  Connection conn(c);
  if (auto s = conn.exec("SET TIME ZONE 'Asia/Shanghai'; SET client_encoding = 'UTF8'"); !s)
    return tl::unexpected(s.error());
  return conn;
}

Connection::~Connection() {
  if (c_) PQfinish(c_);
}

bool Connection::ok() const { return c_ && !lost_ && PQstatus(c_) == CONNECTION_OK; }

// A failed statement's message: the server's SQLSTATE when it answered; when it did not (libpq's own error,
// such as "server closed the connection unexpectedly"), the connection is taken as lost (08006)
// until reset() — libpq may not have noticed the closed socket yet.
std::string Connection::failure(pg_result* r) {
  const char* code = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  std::string why = trimmed(r ? PQresultErrorMessage(r) : "");
  if (why.empty()) why = trimmed(PQerrorMessage(c_));
  PQclear(r);
  if (code) {
    sqlstate_ = code;
    if (sqlstate_.rfind("08", 0) == 0 || sqlstate_.rfind("57P", 0) == 0) lost_ = true;  // connection, shutdown
  } else {
    sqlstate_ = "08006";
    lost_ = true;
  }
  // "database unavailable" is how callers (the HTTP server's 503) tell a lost server from a refusal.
  return (lost_ ? "database unavailable: postgresql: " : "postgresql: ") + why;
}

Status Connection::reset() {
  PQreset(c_);
  if (PQstatus(c_) != CONNECTION_OK)
    return fail("database unavailable: postgresql cannot be reached (" + trimmed(PQerrorMessage(c_)) + ")");
  depth_ = 0;
  lost_ = false;
  return exec("SET TIME ZONE 'Asia/Shanghai'; SET client_encoding = 'UTF8'");
}

Status Connection::exec(const std::string& sql) {
  PGresult* r = PQexec(c_, sql.c_str());
  ExecStatusType st = PQresultStatus(r);
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
    PQclear(r);
    sqlstate_.clear();
    return {};
  }
  return fail(failure(r));
}

Result<Rows> Connection::query(const std::string& sql, const std::vector<Param>& params) {
  std::vector<const char*> values(params.size());
  std::vector<int> lengths(params.size()), formats(params.size());
  for (size_t i = 0; i < params.size(); ++i) {
    const Param& p = params[i];
    values[i] = p.kind == Param::Kind::null ? nullptr : p.value.data();
    lengths[i] = static_cast<int>(p.value.size());
    formats[i] = p.kind == Param::Kind::bytes ? 1 : 0;
  }
  PGresult* r = PQexecParams(c_, sql.c_str(), static_cast<int>(params.size()), nullptr, values.data(), lengths.data(),
                             formats.data(), 0);
  ExecStatusType st = PQresultStatus(r);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    return fail(failure(r));
  }
  sqlstate_.clear();
  Rows out;
  const int n = PQntuples(r), cols = PQnfields(r);
  for (int c = 0; c < cols; ++c) out.columns.emplace_back(PQfname(r, c));
  out.rows.resize(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    auto& row = out.rows[static_cast<size_t>(i)];
    row.reserve(static_cast<size_t>(cols));
    for (int c = 0; c < cols; ++c)
      row.push_back(PQgetisnull(r, i, c) ? std::nullopt
                                         : std::optional<std::string>(std::string(
                                               PQgetvalue(r, i, c), static_cast<size_t>(PQgetlength(r, i, c)))));
  }
  const char* changed = PQcmdTuples(r);
  out.changed = changed && *changed ? std::strtoll(changed, nullptr, 10) : 0;
  PQclear(r);
  return out;
}

Status Transaction::begin() {
  level_ = c_.depth_;
  SS_TRY(c_.exec(level_ == 0 ? "BEGIN" : "SAVEPOINT sp_" + std::to_string(level_)));
  ++c_.depth_;
  open_ = true;
  return {};
}

Status Transaction::commit() {
  if (!open_) return fail("postgresql: commit without begin");
  open_ = false;
  --c_.depth_;
  return c_.exec(level_ == 0 ? "COMMIT" : "RELEASE SAVEPOINT sp_" + std::to_string(level_));
}

Transaction::~Transaction() {
  if (!open_) return;
  --c_.depth_;
  const std::string sp = "sp_" + std::to_string(level_);
  (void)c_.exec(level_ == 0 ? "ROLLBACK" : "ROLLBACK TO SAVEPOINT " + sp + "; RELEASE SAVEPOINT " + sp);
}

}  // namespace shanshui::store::pg
