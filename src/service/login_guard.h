// login_guard.h: throttling of password guesses that cannot be turned against the real user.
// Every attempt is counted as a failure *before* the password is checked (so a burst of parallel
// guesses cannot slip through while hashes are computed); a success takes it back. Delays grow
// per (user, address), per address and per user, but the per-user delay is capped low: a
// stranger elsewhere can slow the real user by seconds, never lock them out (OWASP
// Authentication Cheat Sheet, "account lockout"). The same rule serves HJ 212 station passwords,
// keyed by (MN, address). In memory: a restart forgets the delays, the audit log keeps the attempts.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace shanshui::service {

struct ThrottleRule {
  int free = 5;                       // failures allowed before any delay
  std::chrono::seconds base{1};       // first delay; doubles with each further failure
  std::chrono::seconds max{900};      // longest delay
  std::chrono::seconds forget{3600};  // failures older than this no longer count
};

struct LoginGuardOptions {
  ThrottleRule per_pair{5, std::chrono::seconds(1), std::chrono::seconds(900), std::chrono::seconds(3600)};
  ThrottleRule per_address{20, std::chrono::seconds(1), std::chrono::seconds(900), std::chrono::seconds(3600)};
  ThrottleRule per_user{10, std::chrono::seconds(1), std::chrono::seconds(30), std::chrono::seconds(3600)};
  size_t max_tracked = 100000;  // keys kept in memory; the stalest are dropped beyond
};

class LoginGuard {
 public:
  using Clock = std::chrono::steady_clock;
  explicit LoginGuard(LoginGuardOptions options = {}) : opt_(options) {}

  /// Before checking a password: nullopt when the attempt may go ahead (it is then counted as a
  /// failure until `succeeded`), else the seconds to wait (the attempt is not counted).
  std::optional<int64_t> admit(const std::string& user, const std::string& address,
                               Clock::time_point now = Clock::now());
  /// The password was right: the attempt is taken back and the pair's failures forgotten.
  void succeeded(const std::string& user, const std::string& address);
  size_t tracked() const;

 private:
  struct Count {
    int failures = 0;
    Clock::time_point last{};
  };
  std::optional<int64_t> wait_for(const Count& c, const ThrottleRule& rule, Clock::time_point now) const;
  void note(std::map<std::string, Count>& m, const std::string& key, const ThrottleRule& rule, Clock::time_point now);
  void prune(Clock::time_point now);

  LoginGuardOptions opt_;
  mutable std::mutex mu_;
  std::map<std::string, Count> pairs_, addresses_, users_;
};

/// At most `limit` argon2 computations at once (19 MiB and tens of ms each): a burst of logins
/// queues here instead of taking gigabytes. `acquire` waits up to `wait`; false means busy.
class HashGate {
 public:
  explicit HashGate(int limit) : free_(limit) {}
  bool acquire(std::chrono::milliseconds wait);
  void release();

 private:
  std::mutex mu_;
  std::condition_variable_any cv_;
  int free_;
};

/// Checks a password against a user's hash, or against a fixed dummy hash when there is no such
/// user, so that the time taken does not tell which usernames exist.
bool verify_password_constant_time(const std::string& password, const std::optional<std::string>& encoded);

}  // namespace shanshui::service
