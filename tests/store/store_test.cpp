// store_test.cpp: the store on a real SQLite file or PostgreSQL database (support/test_store.h): migrations, idempotent
// and transactional plan import, de-duplicated and atomic batches.
#include "store/store.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/file.h"
#include "plan/loader.h"
#include "support/test_store.h"

namespace shanshui::store {
namespace {

namespace fs = std::filesystem;

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("shanshui-store-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    path_ = testing::fresh_store(dir_);
    auto s = open_store(path_);
    ASSERT_TRUE(s) << s.error().message;
    store_ = std::move(*s);
    yaml_ = *read_file(std::string(SHANSHUI_TEST_DATA) + "/lint/_base.yaml");
    plan_ = *plan::load_plan_text(yaml_, "base.yaml");
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }
  ProgressReport report(const std::string& item, double pct) {
    return {0, item, "2024-Q1", "in_progress", pct, "推进中", "", "eeb", "县生态环境局", "2024-04-05T09:00:00+08:00"};
  }
  fs::path dir_;
  std::string path_, yaml_;
  plan::Plan plan_;
  std::unique_ptr<Store> store_;
};

TEST_F(StoreTest, ImportIsIdempotentAndVersioned) {
  auto first = store_->import_plan(plan_, yaml_, "base.yaml");
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_TRUE(first->changed);
  EXPECT_EQ(first->version, 1);
  auto again = store_->import_plan(plan_, yaml_, "base.yaml");
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->changed);
  EXPECT_EQ(*store_->plan_version_count(), 1);
  std::string edited = yaml_ + "\n# a comment makes a new version\n";
  auto second = store_->import_plan(plan_, edited, "base.yaml");
  ASSERT_TRUE(second);
  EXPECT_EQ(second->version, 2);
  EXPECT_EQ(**store_->current_plan_yaml(), edited);
}

TEST_F(StoreTest, RefusesAPlanThatDropsReportedItemsAndChangesNothing) {
  ASSERT_TRUE(store_->import_plan(plan_, yaml_, "base.yaml"));
  ASSERT_TRUE(store_->add_reports({report("T01.2", 20)}));
  std::string without = yaml_;
  const std::string line = "          - {id: T01.2, text: 第二项工作。}\n";
  without.replace(without.find(line), line.size(), "");
  auto smaller = plan::load_plan_text(without, "smaller.yaml");
  ASSERT_TRUE(smaller) << smaller.error().message;
  ASSERT_EQ(smaller->items().size(), 1u);
  auto r = store_->import_plan(*smaller, without, "smaller.yaml");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            "plan refused: work item 'T01.2' has progress reports or a closure but is missing from the new plan");
  EXPECT_EQ(*store_->plan_version_count(), 1);
  EXPECT_EQ(**store_->current_plan_yaml(), yaml_);
}

TEST_F(StoreTest, BatchesAreAtomicAndDeduplicated) {
  ASSERT_TRUE(store_->import_plan(plan_, yaml_, "base.yaml"));
  EXPECT_EQ(*store_->add_reports({report("T01.1", 10), report("T01.2", 20)}), 2);
  EXPECT_EQ(*store_->add_reports({report("T01.1", 10)}), 0);                    // resubmitted: stored once
  auto bad = store_->add_reports({report("T01.1", 30), report("T01.2", 150)});  // 150 % violates a CHECK
  ASSERT_FALSE(bad);
  EXPECT_EQ(store_->reports()->size(), 2u);  // the good row of the failed batch did not land
  Measurement m{0, "forest", "2024", "63.2", "reported", "reported.survey", "1", "统计公报", "eeb", "", ""};
  EXPECT_EQ(*store_->add_measurements({m, m}), 1);
  EXPECT_EQ(store_->measurements()->size(), 1u);
}

// Every write moves the change counter (the audit head) that the server's caches key on; a
// refused batch and a read do not. An indicator's history includes each of its values.
TEST_F(StoreTest, ChangeCounterMovesWithEveryWriteAndHistoryFindsValues) {
  int64_t c0 = *store_->change_counter();
  ASSERT_TRUE(store_->import_plan(plan_, yaml_, "base.yaml"));
  int64_t c1 = *store_->change_counter();
  EXPECT_GT(c1, c0);
  EXPECT_EQ(*store_->add_reports({report("T01.1", 10)}), 1);
  int64_t c2 = *store_->change_counter();
  EXPECT_GT(c2, c1);
  EXPECT_FALSE(store_->add_reports({report("T01.2", 150)}));
  (void)store_->reports();
  EXPECT_EQ(*store_->change_counter(), c2);
  Measurement m{0, "forest", "2024", "63.2", "reported", "reported.survey", "1", "统计公报", "eeb", "", ""};
  Measurement other{0, "forestry_output", "2024", "1", "reported", "reported.survey", "1", "统计公报", "eeb", "", ""};
  EXPECT_EQ(*store_->add_measurements({m, other}), 2);
  // Monitoring ingest is audited but does not move the counter: plan views do not depend on it.
  int64_t before_ingest = *store_->change_counter();
  Observation o{0, "MN1", "a34004", "2061", "2024-01-01T00:00:00+08:00", "Avg", "35", "N", "ug/m3", 0, ""};
  auto in = store_->ingest({IngestFrame{"##0000frame", "127.0.0.1:1", "MN1", "2061", {o}}}, {});
  ASSERT_TRUE(in) << in.error().message;
  EXPECT_EQ(in->values_added, 1);
  EXPECT_EQ(*store_->change_counter(), before_ingest);
  EXPECT_EQ(store_->audit_log("observations")->size(), 1u);
  auto log = store_->audit_log("forest");
  ASSERT_TRUE(log);
  ASSERT_EQ(log->size(), 1u);  // forest@2024, not forestry_output@2024
  EXPECT_EQ(log->front().object, "forest@2024");
}

TEST_F(StoreTest, ReopensWithSchemaAndData) {
  ASSERT_TRUE(store_->import_plan(plan_, yaml_, "base.yaml"));
  ASSERT_TRUE(store_->add_closure({0, "T01.1", "巫山环〔2025〕1号", "ndrc", "", ""}));
  store_.reset();
  auto s = open_store(path_);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ((*s)->closures()->size(), 1u);
  EXPECT_EQ(*(*s)->plan_version_count(), 1);
}

TEST_F(StoreTest, UnopenablePathGivesAClearError) {
  auto s = open_sqlite_store((dir_ / "no/such/dir/x.db").string());
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("cannot open database"), std::string::npos) << s.error().message;
}

}  // namespace
}  // namespace shanshui::store
