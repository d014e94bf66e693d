// ledger_test.cpp: tamper evidence over the data — every covered row edited, deleted or inserted
// behind the software's back (tests/data/ledger/tamper-cases.csv), and the log's tail cut, makes
// verification fail naming the row and the entry; the untouched database verifies; the Merkle
// roots match RFC 6962's tree shape.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/csv.h"
#include "plan/loader.h"
#include "store/row_hash.h"
#include "store/store.h"
#include "support/test_store.h"

namespace shanshui::store {
namespace {

namespace fs = std::filesystem;

std::string read(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

// A database with one of everything the ledger covers.
std::string build_database(const fs::path& dir) {
  std::string path = testing::fresh_store(dir);
  auto s = open_store(path);
  EXPECT_TRUE(s) << s.error().message;
  auto& st = **s;
  std::string yaml = read(std::string(SHANSHUI_TEST_DATA) + "/lint/_base.yaml");
  auto plan = plan::load_plan_text(yaml, "base.yaml");
  EXPECT_TRUE(st.import_plan(*plan, yaml, "base.yaml"));
  EXPECT_TRUE(
      st.add_measurements({{0, "forest", "2024", "63.2", "reported", "reported.survey", "1", "公报", "eeb", "", ""},
                           {0, "forest", "2025", "63.9", "reported", "reported.survey", "1", "公报", "eeb", "", ""}}));
  EXPECT_TRUE(st.add_reports({{0, "T01.1", "2024-Q1", "in_progress", 30, "推进中", "", "eeb", "县生态环境局", ""},
                              {0, "T01.2", "2024-Q1", "in_progress", 20, "推进中", "", "eeb", "县生态环境局", ""}}));
  EXPECT_TRUE(st.add_closure({0, "T01.1", "巫山环〔2025〕1号", "ndrc", "", ""}));
  EXPECT_TRUE(st.add_station({"MN0001", "air", "县城站", "", "", "", 109.87, 31.07, "pw", "standard", "", "", ""}));
  EXPECT_TRUE(
      st.add_station({"MN0002", "air", "临时站", "", "", "", std::nullopt, std::nullopt, "", "standard", "", "", ""}));
  EXPECT_TRUE(st.remove_station("MN0002"));
  EXPECT_TRUE(st.add_user({"wang", "department", "eeb", "$argon2id$x", ""}));
  auto obs = [](const std::string& time, const std::string& value) {
    return Observation{0, "MN0001", "a34004", "2061", time, "Avg", value, "N", "ug/m3", 0, "", ""};
  };
  auto a = st.ingest({{"##frame-1",
                       "127.0.0.1:5000",
                       "MN0001",
                       "2061",
                       {obs("2024-01-01T00:00:00+08:00", "35"), obs("2024-01-01T01:00:00+08:00", "36")}}},
                     {{0, "", "127.0.0.1:5000", "", "bad CRC", "##garbage"}});
  EXPECT_TRUE(a) << a.error().message;
  auto b = st.ingest({{"##frame-2",
                       "127.0.0.1:5000",
                       "MN0001",
                       "2061",
                       {obs("2024-01-01T02:00:00+08:00", "37"), obs("2024-01-01T00:00:00+08:00", "99")}}},
                     {});
  EXPECT_TRUE(b) << b.error().message;
  EXPECT_EQ(b->values_conflict, 1);
  auto run = st.record_assessment({0, "air_good_days", "2024-YTD", "air.good_days_ratio", "v1", "HJ633-2012", "abc",
                                   "95.0", "1 of 1 days", "{}", ""},
                                  {});
  EXPECT_TRUE(run) << run.error().message;
  return path;
}

Status exec(const std::string& path, const std::string& sql) { return testing::exec_sql(path, sql); }

fs::path scratch(const std::string& name) {
  auto d = fs::temp_directory_path() / ("shanshui-ledger-" + std::to_string(::getpid()) + "-" + name);
  fs::remove_all(d);
  return d;
}

TEST(Ledger, UntouchedDatabaseVerifies) {
  auto dir = scratch("clean");
  std::string path = build_database(dir);
  auto s = open_store(path);
  ASSERT_TRUE(s);
  auto check = (*s)->verify_audit();
  ASSERT_TRUE(check) << check.error().message;
  EXPECT_TRUE(check->intact()) << (check->data.empty() ? check->reason : check->data.front().what);
  // plan version, 2 measurements, 2 reports, closure, 1 station, user, 2 frames, 3 observations,
  // quarantine, conflict, run
  EXPECT_EQ(check->rows_checked, 16);
  fs::remove_all(dir);
}

TEST(Ledger, EveryTamperingIsNamed) {
  std::string text = read(std::string(SHANSHUI_TEST_DATA) + "/ledger/tamper-cases.csv");
  std::string body;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);)
    if (!line.empty() && line[0] != '#') body += line + "\n";
  auto csv = parse_csv(body, "tamper-cases.csv");
  ASSERT_TRUE(csv) << csv.error().message;
  ASSERT_GE(csv->records.size(), 20u);
  for (const auto& rec : csv->records) {
    const auto& row = rec.fields;
    const std::string& name = row[0];
    SCOPED_TRACE(name);
    auto dir = scratch("case");
    std::string path = build_database(dir);
    ASSERT_TRUE(exec(path, row[1]));
    auto s = open_store(path);
    ASSERT_TRUE(s) << s.error().message;
    auto check = (*s)->verify_audit();
    ASSERT_TRUE(check) << check.error().message;
    ASSERT_FALSE(check->intact());
    ASSERT_FALSE(check->data.empty()) << check->reason;
    bool named = false;
    std::string all;
    for (const auto& p : check->data) {
      all += p.table + ": " + p.what + "\n";
      named |= p.table == row[2] && p.what.find(row[3]) != std::string::npos;
    }
    EXPECT_TRUE(named) << "expected " << row[2] << " / " << row[3] << ", got:\n" << all;
    fs::remove_all(dir);
  }
}

// An editor who knows the algorithm recomputes the row's stored hash too: the row is no longer
// named by itself, but the batch's Merkle root in the (chained) audit entry still catches it.
TEST(Ledger, RewrittenRowHashStillFailsTheEntrysMerkleRoot) {
  auto dir = scratch("rehash");
  std::string path = build_database(dir);
  Digest leaf = LeafHasher("observations")
                    .text("MN0001")
                    .text("a34004")
                    .text("2061")
                    .text("2024-01-01T02:00:00+08:00")
                    .text("Avg")
                    .text("5")
                    .text("N")
                    .text("ug/m3")
                    .integer(2)
                    .text("X")
                    .text("")
                    .finish();
  std::string hex;
  for (int i = 0; i < 16; ++i) {
    char b[3];
    std::snprintf(b, sizeof b, "%02x", leaf[static_cast<size_t>(i)]);
    hex += b;
  }
  std::string bytes = testing::on_postgresql() ? "decode('" + hex + "', 'hex')" : "x'" + hex + "'";
  ASSERT_TRUE(
      exec(path, "UPDATE observations SET value = '5', received_at = 'X', row_hash = " + bytes + " WHERE id = 3"));
  auto s = open_store(path);
  auto check = (*s)->verify_audit();
  ASSERT_TRUE(check);
  ASSERT_EQ(check->data.size(), 1u);
  EXPECT_EQ(check->data[0].table, "observations");
  EXPECT_NE(check->data[0].what.find("no longer match the Merkle root of audit entry"), std::string::npos)
      << check->data[0].what;
  fs::remove_all(dir);
}

// RFC 6962 §2.1: MTH of 3 leaves = H(1 ‖ H(1 ‖ a ‖ b) ‖ c); of 5 = H(1 ‖ MTH(first 4) ‖ e).
TEST(Ledger, MerkleRootsHaveTheCertificateTransparencyShape) {
  std::vector<Digest> leaves;
  for (int i = 0; i < 5; ++i) leaves.push_back(LeafHasher("t").integer(i).finish());
  MerkleStream three, five;
  for (int i = 0; i < 3; ++i) three.add(leaves[static_cast<size_t>(i)]);
  for (int i = 0; i < 5; ++i) five.add(leaves[static_cast<size_t>(i)]);
  EXPECT_EQ(three.root(), merkle_node(merkle_node(leaves[0], leaves[1]), leaves[2]));
  Digest four = merkle_node(merkle_node(leaves[0], leaves[1]), merkle_node(leaves[2], leaves[3]));
  EXPECT_EQ(five.root(), merkle_node(four, leaves[4]));
  MerkleStream one;
  one.add(leaves[0]);
  EXPECT_EQ(one.root(), leaves[0]);
  // Ranges round-trip through their text form.
  auto r = parse_ranges("observations:5-9:5:ab;-stations:7-7:1:cd");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->size(), 2u);
  EXPECT_TRUE((*r)[1].removed);
  EXPECT_EQ(format_ranges(*r), "observations:5-9:5:ab;-stations:7-7:1:cd");
  EXPECT_FALSE(parse_ranges("observations:5:ab"));
}

}  // namespace
}  // namespace shanshui::store
