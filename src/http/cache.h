// cache.h: the response cache of plan and progress views (bounded in bytes, least recently used
// out first, one builder per key, the previous view served while it rebuilds, a writer never
// served a view older than its write) and gzip for bodies sent more than once.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "http/wire.h"

namespace shanshui::http {

/// gzip (RFC 1952) of a body at a fast level: done once per cached view or file, not per request.
std::string gzip(const std::string& in);
/// Whether the client takes gzip (Accept-Encoding).
bool accepts_gzip(const Request& req);

// Cached views, bounded in bytes: when a new entry would pass the budget, the least recently
// used entries go first.
class ResponseCache {
 public:
  struct Entry {
    int64_t version = -1;
    int status = 0;
    std::string body, content_type;
    std::string gzipped;  // the body gzipped once, for clients that accept it
    size_t bytes() const { return body.size() + gzipped.size() + content_type.size() + 64; }
  };
  explicit ResponseCache(size_t budget) : budget_(budget) {}
  // Shared, not copied: a hit hands out the entry itself (a 142 KB view per request otherwise).
  std::shared_ptr<const Entry> get(const std::string& key, int64_t version) {
    std::lock_guard lock(mu_);
    auto it = entries_.find(key);
    if (it == entries_.end() || it->second.entry->version != version) return nullptr;
    it->second.used = ++clock_;
    return it->second.entry;
  }
  void put(const std::string& key, Entry e) {
    std::lock_guard lock(mu_);
    size_t size = e.bytes() + key.size();
    if (size > budget_) return;
    if (auto it = entries_.find(key); it != entries_.end()) {
      used_ -= it->second.entry->bytes() + key.size();
      entries_.erase(it);
    }
    while (used_ + size > budget_ && !entries_.empty()) {
      auto oldest = std::min_element(entries_.begin(), entries_.end(),
                                     [](const auto& a, const auto& b) { return a.second.used < b.second.used; });
      used_ -= oldest->second.entry->bytes() + oldest->first.size();
      entries_.erase(oldest);
    }
    used_ += size;
    entries_[key] = Slot{std::make_shared<const Entry>(std::move(e)), ++clock_};
  }
  // The newest entry of a key whatever its version (null when none): what readers get while
  // another request rebuilds it (stale while revalidating).
  std::shared_ptr<const Entry> newest(const std::string& key) {
    std::lock_guard lock(mu_);
    auto it = entries_.find(key);
    return it == entries_.end() ? nullptr : it->second.entry;
  }
  // Read your writes: the version each writer's last write produced. A writer is never handed an
  // entry older than that.
  void wrote(const std::string& who, int64_t version) {
    std::lock_guard lock(mu_);
    if (writers_.size() >= 10000) {  // bounded: the forgotten are all held to the newest write seen
      for (const auto& [w, v] : writers_) forgotten_ = std::max(forgotten_, v);
      writers_.clear();
    }
    writers_[who] = std::max(writers_[who], version);
  }
  int64_t last_write(const std::string& who) {
    std::lock_guard lock(mu_);
    auto it = writers_.find(who);
    return it == writers_.end() ? forgotten_ : std::max(it->second, forgotten_);
  }
  // One builder per key at a time, so a burst of readers after a write waits for one build.
  std::shared_ptr<std::mutex> build_lock(const std::string& key) {
    std::lock_guard lock(mu_);
    auto& m = builders_[key];
    if (!m) m = std::make_shared<std::mutex>();
    return m;
  }
  // Forgets the builder's lock once nobody else waits on it (the map does not grow with keys).
  void release_build_lock(const std::string& key) {
    std::lock_guard lock(mu_);
    auto it = builders_.find(key);
    if (it != builders_.end() && it->second.use_count() <= 2) builders_.erase(it);
  }
  size_t used() {
    std::lock_guard lock(mu_);
    return used_;
  }

 private:
  struct Slot {
    std::shared_ptr<const Entry> entry;
    uint64_t used = 0;
  };
  size_t budget_;
  size_t used_ = 0;
  uint64_t clock_ = 0;
  std::mutex mu_;
  std::map<std::string, Slot> entries_;
  std::map<std::string, std::shared_ptr<std::mutex>> builders_;
  std::map<std::string, int64_t> writers_;
  int64_t forgotten_ = -1;  // the newest write of any writer no longer in writers_
};

}  // namespace shanshui::http
