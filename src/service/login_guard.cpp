// login_guard.cpp: growing delays per (user, address), address and user; the argon2 gate; the
// dummy hash for unknown users.
#include "service/login_guard.h"

#include <algorithm>
#include <condition_variable>
#include <vector>

#include "service/auth.h"

namespace shanshui::service {

std::optional<int64_t> LoginGuard::wait_for(const Count& c, const ThrottleRule& rule, Clock::time_point now) const {
  if (c.failures < rule.free || now - c.last >= rule.forget) return std::nullopt;
  int doublings = std::min(c.failures - rule.free, 20);
  auto delay = std::min<std::chrono::seconds>(rule.base * (int64_t{1} << doublings), rule.max);
  auto until = c.last + delay;
  if (now >= until) return std::nullopt;
  return std::max<int64_t>(1, std::chrono::duration_cast<std::chrono::seconds>(until - now).count() + 1);
}

void LoginGuard::note(std::map<std::string, Count>& m, const std::string& key, const ThrottleRule& rule,
                      Clock::time_point now) {
  auto& c = m[key];
  if (now - c.last >= rule.forget) c.failures = 0;
  c.failures++;
  c.last = now;
}

std::optional<int64_t> LoginGuard::admit(const std::string& user, const std::string& address, Clock::time_point now) {
  std::lock_guard lock(mu_);
  std::string pair = user + '\n' + address;
  std::optional<int64_t> wait;
  auto consider = [&](std::map<std::string, Count>& m, const std::string& key, const ThrottleRule& rule) {
    auto it = m.find(key);
    if (it == m.end()) return;
    auto w = wait_for(it->second, rule, now);
    if (w && (!wait || *w > *wait)) wait = w;
  };
  consider(pairs_, pair, opt_.per_pair);
  consider(addresses_, address, opt_.per_address);
  consider(users_, user, opt_.per_user);
  if (wait) return wait;
  if (pairs_.size() + addresses_.size() + users_.size() >= opt_.max_tracked) prune(now);
  note(pairs_, pair, opt_.per_pair, now);
  note(addresses_, address, opt_.per_address, now);
  note(users_, user, opt_.per_user, now);
  return std::nullopt;
}

void LoginGuard::succeeded(const std::string& user, const std::string& address) {
  std::lock_guard lock(mu_);
  pairs_.erase(user + '\n' + address);
  users_.erase(user);
  if (auto it = addresses_.find(address); it != addresses_.end() && it->second.failures > 0) it->second.failures--;
}

size_t LoginGuard::tracked() const {
  std::lock_guard lock(mu_);
  return pairs_.size() + addresses_.size() + users_.size();
}

// Drops what no longer counts, then (if still full) the stalest half of each map.
void LoginGuard::prune(Clock::time_point now) {
  for (auto* m : {&pairs_, &addresses_, &users_}) {
    for (auto it = m->begin(); it != m->end();)
      it = now - it->second.last >= opt_.per_pair.forget ? m->erase(it) : std::next(it);
    if (m->size() * 3 < opt_.max_tracked) continue;
    std::vector<Clock::time_point> times;
    for (const auto& [k, c] : *m) times.push_back(c.last);
    std::nth_element(times.begin(), times.begin() + static_cast<long>(times.size() / 2), times.end());
    auto median = times[times.size() / 2];
    for (auto it = m->begin(); it != m->end();) it = it->second.last <= median ? m->erase(it) : std::next(it);
  }
}

bool HashGate::acquire(std::chrono::milliseconds wait) {
  std::unique_lock lock(mu_);
  if (!cv_.wait_for(lock, wait, [&] { return free_ > 0; })) return false;
  --free_;
  return true;
}

void HashGate::release() {
  {
    std::lock_guard lock(mu_);
    ++free_;
  }
  cv_.notify_one();
}

bool verify_password_constant_time(const std::string& password, const std::optional<std::string>& encoded) {
  // Same parameters as real hashes, so an unknown user costs the same argon2 work.
  static const std::string dummy = hash_password("shanshui-dummy-password-for-unknown-users").value_or("");
  if (!encoded) {
    (void)verify_password(password, dummy);
    return false;
  }
  return verify_password(password, *encoded);
}

}  // namespace shanshui::service
