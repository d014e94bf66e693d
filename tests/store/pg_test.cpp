// pg_test.cpp: the PostgreSQL connection layer against a real server — the throwaway cluster that
// tests/support/with_postgres.sh starts (SHANSHUI_TEST_PG). Parameters of every kind round-trip
// (Chinese text, bytes with NULs, NULL, doubles to the last bit), refusals carry their SQLSTATE,
// transactions and savepoints roll back what they should, and a connection outlives a server
// restart through reset().
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "store/pg/connection.h"

namespace shanshui::store::pg {
namespace {

std::string conninfo() {
  const char* c = std::getenv("SHANSHUI_TEST_PG");
  return c ? c : "";
}

Connection connect() {
  auto c = Connection::open(conninfo());
  if (!c) ADD_FAILURE() << c.error().message;
  return std::move(*c);
}

class Pg : public ::testing::Test {
 protected:
  void SetUp() override {
    // Run through tests/support/with_postgres.sh (CTest does): without a server this fails, never skips.
    ASSERT_FALSE(conninfo().empty()) << "SHANSHUI_TEST_PG is not set: run under tests/support/with_postgres.sh";
    auto c = connect();
    ASSERT_TRUE(
        c.exec("DROP TABLE IF EXISTS t; CREATE TABLE t (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
               "name TEXT UNIQUE NOT NULL, v DOUBLE PRECISION, b BYTEA, n TEXT)"));
  }
};

TEST_F(Pg, ParametersOfEveryKindRoundTrip) {
  auto c = connect();
  const std::string bytes("\x00\x01\xff##0100", 9);
  const double v = 0.1 + 0.2;  // not 0.3: the last bit must survive
  auto ins = c.query("INSERT INTO t (name, v, b, n) VALUES ($1, $2, $3, $4) RETURNING id",
                     {Param::of("巫山县 大宁河"), Param::of(v), Param::blob(bytes), Param::none()});
  ASSERT_TRUE(ins) << ins.error().message;
  ASSERT_EQ(ins->size(), 1U);
  EXPECT_GT(ins->integer(0, 0), 0);
  EXPECT_EQ(ins->changed, 1);
  auto got = c.query("SELECT name, v, b, n FROM t WHERE id = $1", {Param::of(ins->integer(0, 0))});
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->text(0, 0), "巫山县 大宁河");
  EXPECT_EQ(got->real(0, 1), v);
  EXPECT_EQ(got->bytes(0, 2), bytes);
  EXPECT_TRUE(got->null(0, 3));
  EXPECT_EQ(got->columns, (std::vector<std::string>{"name", "v", "b", "n"}));
}

TEST_F(Pg, RefusalsCarryTheirSqlstate) {
  auto c = connect();
  ASSERT_TRUE(c.query("INSERT INTO t (name) VALUES ($1)", {Param::of("a")}));
  auto again = c.query("INSERT INTO t (name) VALUES ($1)", {Param::of("a")});
  ASSERT_FALSE(again);
  EXPECT_EQ(c.sqlstate(), "23505");  // unique_violation
  EXPECT_NE(again.error().message.find("duplicate key"), std::string::npos) << again.error().message;
  auto bad = c.query("SELEKT 1");
  ASSERT_FALSE(bad);
  EXPECT_EQ(c.sqlstate(), "42601");  // syntax_error
  ASSERT_TRUE(c.query("SELECT 1"));
  EXPECT_EQ(c.sqlstate(), "");
  auto nowhere = Connection::open("postgresql://postgres@/shanshui?host=/nonexistent&port=1");
  ASSERT_FALSE(nowhere);
  EXPECT_NE(nowhere.error().message.find("cannot be reached"), std::string::npos) << nowhere.error().message;
}

TEST_F(Pg, TransactionsAndSavepoints) {
  auto c = connect();
  auto count = [&] { return c.query("SELECT count(*) FROM t")->integer(0, 0); };
  {
    Transaction tx(c);
    ASSERT_TRUE(tx.begin());
    ASSERT_TRUE(c.query("INSERT INTO t (name) VALUES ('rolled back')"));
  }  // not committed
  EXPECT_EQ(count(), 0);
  {
    Transaction outer(c);
    ASSERT_TRUE(outer.begin());
    ASSERT_TRUE(c.query("INSERT INTO t (name) VALUES ('kept')"));
    {
      Transaction inner(c);
      ASSERT_TRUE(inner.begin());
      ASSERT_TRUE(c.query("INSERT INTO t (name) VALUES ('inner')"));
      ASSERT_FALSE(c.query("INSERT INTO t (name) VALUES ('kept')"));  // fails: the savepoint rolls back
    }
    ASSERT_TRUE(outer.commit());
  }
  auto names = c.query("SELECT name FROM t ORDER BY id");
  ASSERT_TRUE(names);
  ASSERT_EQ(names->size(), 1U);
  EXPECT_EQ(names->text(0, 0), "kept");
}

// The server goes away and comes back: the statement in between fails with a connection SQLSTATE
// (class 08) or a clear message, ok() says so, and reset() brings the same connection back.
TEST_F(Pg, AConnectionSurvivesARestartThroughReset) {
  const char* ctl = std::getenv("SHANSHUI_TEST_PG_CTL");
  ASSERT_NE(ctl, nullptr);
  auto c = connect();
  ASSERT_TRUE(c.query("SELECT 1"));
  ASSERT_EQ(std::system((std::string(ctl) + " stop >/dev/null 2>&1").c_str()), 0);
  auto lost = c.query("SELECT 1");
  ASSERT_FALSE(lost);
  EXPECT_EQ(c.sqlstate().substr(0, 2) == "08" || c.sqlstate().substr(0, 3) == "57P", true) << c.sqlstate();
  EXPECT_FALSE(c.ok());
  EXPECT_NE(lost.error().message.find("postgresql"), std::string::npos);
  ASSERT_EQ(std::system((std::string(ctl) + " start >/dev/null 2>&1").c_str()), 0);
  ASSERT_TRUE(c.reset()) << "reconnect";
  EXPECT_TRUE(c.ok());
  auto back = c.query("SELECT count(*) FROM t");
  ASSERT_TRUE(back) << back.error().message;
}

}  // namespace
}  // namespace shanshui::store::pg
