// listener.cpp: sessions (framing, registry checks, replies) on one Asio thread; a writer thread
// that commits batches and only then releases the replies.
#include "hj212/listener/listener.h"

#include <asio.hpp>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <iostream>
#include <list>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/civil_time.h"
#include "hj212/ingest.h"
#include "store/store.h"

namespace shanshui::hj212 {
namespace {

using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

// Bytes that are only line noise (keep-alive newlines) are dropped without a quarantine row.
bool only_whitespace(std::string_view s) {
  for (char c : s)
    if (c != '\r' && c != '\n' && c != ' ' && c != '\t' && c != '\0') return false;
  return true;
}

}  // namespace

struct Listener::Impl {
  class Session;

  struct Job {
    std::weak_ptr<Session> session;
    Handled handled;
  };

  // A misbehaving address waits before it may connect again; the wait doubles with each offence
  // within an hour.
  struct Penalty {
    int strikes = 0;
    Clock::time_point until{}, last{};
  };

  // Declared before the io_context: sessions still owned by its handlers when it is destroyed
  // release their counts into these.
  ListenerOptions opt;
  std::string db_path;
  ListenerStats stats;
  std::map<std::string, size_t> open_per_address;      // I/O thread only
  std::unordered_map<std::string, Penalty> penalties;  // I/O thread only
  std::list<std::weak_ptr<Session>> sessions;          // I/O thread only, oldest first

  // The quarantine budget (I/O thread only).
  Clock::time_point hour_began = Clock::now();
  size_t hour_bytes = 0;
  std::map<std::string, size_t> hour_bytes_per_address;
  size_t total_bytes = 0;  // what the quarantine table holds (read at start, then counted)

  // The DataTime window, recomputed once a second (I/O thread only).
  TimeWindow window;
  Clock::time_point window_at{};

  std::unique_ptr<store::Store> store;
  std::mutex registry_mu;
  std::shared_ptr<const Registry> registry = std::make_shared<Registry>();

  std::mutex jobs_mu;
  std::condition_variable jobs_cv;
  std::vector<Job> jobs;
  bool stopping = false;
  std::thread writer;

  asio::io_context io;
  tcp::acceptor acceptor{io};
  asio::steady_timer accept_backoff{io};
  std::unique_ptr<asio::signal_set> signals;

  std::shared_ptr<const Registry> snapshot() {
    std::lock_guard<std::mutex> lock(registry_mu);
    return registry;
  }

  Status load_registry() {
    auto st = store->stations();
    SS_TRY(st);
    auto r = std::make_shared<Registry>();
    for (auto& s : *st) r->emplace(s.mn, s);
    std::lock_guard<std::mutex> lock(registry_mu);
    registry = std::move(r);
    return {};
  }

  const TimeWindow& time_window() {
    auto now = Clock::now();
    if (now - window_at >= std::chrono::seconds(1)) {
      using namespace std::chrono;
      auto secs = duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
      window.earliest = beijing_iso8601(secs - duration_cast<seconds>(opt.max_age).count());
      window.latest = beijing_iso8601(secs + duration_cast<seconds>(opt.max_ahead).count());
      window_at = now;
    }
    return window;
  }

  bool penalized(const std::string& address) {
    auto it = penalties.find(address);
    return it != penalties.end() && Clock::now() < it->second.until;
  }

  void penalize(const std::string& address) {
    auto now = Clock::now();
    if (penalties.size() > 10000)  // bounded: forget the expired ones
      for (auto it = penalties.begin(); it != penalties.end();)
        it = it->second.until < now ? penalties.erase(it) : std::next(it);
    auto& p = penalties[address];
    if (now - p.last > std::chrono::hours(1)) p.strikes = 0;
    p.strikes = std::min(p.strikes + 1, 20);
    p.last = now;
    auto wait = std::min<std::chrono::seconds>(opt.penalty_base * (int64_t{1} << (p.strikes - 1)), opt.penalty_max);
    p.until = now + wait;
    stats.dropped_for_refusals++;
  }

  // Whether `bytes` more may be kept in quarantine for this address and connection.
  bool quarantine_budget(const std::string& address, size_t bytes, size_t& connection_used) {
    auto now = Clock::now();
    if (now - hour_began >= std::chrono::hours(1)) {
      hour_began = now;
      hour_bytes = 0;
      hour_bytes_per_address.clear();
    }
    // Bounded too: past 65,536 distinct addresses in one hour (a spread-out flood, IPv6), new
    // addresses get no quarantine budget until the hour turns.
    if (hour_bytes_per_address.size() >= 65536 && !hour_bytes_per_address.count(address)) {
      stats.quarantine_dropped++;
      return false;
    }
    auto& per_address = hour_bytes_per_address[address];
    if (connection_used + bytes > opt.quarantine_per_connection ||
        per_address + bytes > opt.quarantine_per_address_hour || hour_bytes + bytes > opt.quarantine_per_hour ||
        total_bytes + bytes > opt.quarantine_total) {
      stats.quarantine_dropped++;
      return false;
    }
    connection_used += bytes;
    per_address += bytes;
    hour_bytes += bytes;
    total_bytes += bytes;
    stats.quarantine_bytes_hour = hour_bytes;
    return true;
  }

  void enqueue(Job job) {
    {
      std::lock_guard<std::mutex> lock(jobs_mu);
      jobs.push_back(std::move(job));
      stats.queue_depth = jobs.size();
    }
    jobs_cv.notify_one();
  }

  // The writer: take everything queued, commit it in one transaction, then release the replies.
  void write_loop() {
    auto next_refresh = Clock::now() + opt.registry_refresh;
    for (;;) {
      std::vector<Job> batch;
      {
        std::unique_lock<std::mutex> lock(jobs_mu);
        jobs_cv.wait_until(lock, next_refresh, [&] { return stopping || !jobs.empty(); });
        batch.swap(jobs);
        stats.queue_depth = 0;
        if (batch.empty() && stopping) return;
      }
      if (Clock::now() >= next_refresh) {
        if (auto s = load_registry(); !s) std::cerr << "shanshui: registry: " << s.error().message << "\n";
        next_refresh = Clock::now() + opt.registry_refresh;
      }
      if (batch.empty()) continue;
      std::vector<store::IngestFrame> frames;
      std::vector<store::QuarantineRow> quarantined;
      for (auto& j : batch) {
        if (j.handled.store) frames.push_back(std::move(*j.handled.store));
        if (j.handled.quarantine) quarantined.push_back(std::move(*j.handled.quarantine));
      }
      auto r = store->ingest(frames, quarantined);
      if (!r) {
        // Nothing is acknowledged: the stations resend (the standard's OverTime/ReCount).
        std::cerr << "shanshui: storing " << frames.size() << " frames failed: " << r.error().message << "\n";
      } else {
        stats.batches++;
        stats.frames += static_cast<uint64_t>(r->frames);
        stats.values += static_cast<uint64_t>(r->values_added);
        stats.duplicates += static_cast<uint64_t>(r->values_duplicate);
        stats.conflicts += static_cast<uint64_t>(r->values_conflict);
        stats.quarantined += static_cast<uint64_t>(r->quarantined);
        if (opt.on_commit && r->values_added > 0) opt.on_commit();
      }
      bool committed = r.has_value();
      for (auto& j : batch) {
        std::string reply = committed ? std::move(j.handled.reply) : std::string();
        asio::post(io, [s = j.session, reply = std::move(reply)]() mutable {
          if (auto session = s.lock()) session->settled(std::move(reply));
        });
      }
    }
  }

  class Session : public std::enable_shared_from_this<Session> {
   public:
    Session(Impl& owner, tcp::socket socket, std::string address)
        : owner_(owner), socket_(std::move(socket)), timer_(owner.io), pause_(owner.io), address_(std::move(address)) {
      asio::error_code ec;
      auto ep = socket_.remote_endpoint(ec);
      peer_ = ec ? address_ : address_ + ":" + std::to_string(ep.port());
    }
    ~Session() { release(); }

    // Gives the connection's slot back (at close, not when the last handler lets go of it).
    void release() {
      if (released_) return;
      released_ = true;
      if (listed_) owner_.sessions.erase(in_list_);
      owner_.stats.open--;
      auto it = owner_.open_per_address.find(address_);
      if (it != owner_.open_per_address.end() && --it->second == 0) owner_.open_per_address.erase(it);
    }

    // Under a full house, a connection that has not yet sent one valid frame makes room for a new
    // one; a station that has spoken is never cut for a stranger.
    bool evictable() const { return !valid_; }
    void evict() { close(); }

    void start(std::list<std::weak_ptr<Session>>::iterator self_in_list) {
      in_list_ = self_in_list;
      listed_ = true;
      // A stranger that connects and says nothing valid is dropped after first_frame_deadline.
      arm_timer(std::min(owner_.opt.first_frame_deadline, owner_.opt.idle_timeout));
      read();
    }

    // A frame of this connection was committed (or not): send its reply, if any, and read on.
    // A frame counts as in flight until its reply has been written: a sender that reads its
    // acknowledgements slowly is slowed down in turn, instead of its replies piling up.
    void settled(std::string reply) {
      if (reply.empty()) {
        if (in_flight_ > 0) --in_flight_;
        return;
      }
      send(std::move(reply), true);
    }

    void send(std::string frame, bool releases_in_flight = false) {
      if (!socket_.is_open()) return;
      if (out_.size() >= owner_.opt.max_pending_replies) {  // a client that never reads
        close();
        return;
      }
      out_.push_back({std::move(frame), releases_in_flight});
      owner_.stats.replies++;
      if (!writing_) write();
    }

   private:
    void arm_timer(std::chrono::seconds after) {
      timer_.expires_after(after);
      timer_.async_wait([self = shared_from_this()](const asio::error_code& ec) {
        if (!ec) self->close();  // silent for too long, or no valid frame in time
      });
    }

    void read() {
      if (!socket_.is_open()) return;
      // Back-pressure: while the writer is behind, or this connection has many frames unanswered,
      // stop reading (TCP's window then slows the sender) instead of queueing without bound.
      if (owner_.stats.queue_depth >= owner_.opt.max_queue || in_flight_ >= owner_.opt.max_in_flight_per_connection) {
        owner_.stats.paused_reads++;
        pause_.expires_after(std::chrono::milliseconds(10));
        pause_.async_wait([self = shared_from_this()](const asio::error_code& ec) {
          if (!ec) self->read();
        });
        return;
      }
      socket_.async_read_some(asio::buffer(chunk_), [self = shared_from_this()](const asio::error_code& ec, size_t n) {
        if (ec) {
          self->close();
          return;
        }
        self->buffer_.append(self->chunk_.data(), n);
        if (self->valid_) self->arm_timer(self->owner_.opt.idle_timeout);
        self->process();
        self->read();
      });
    }

    // Keeps a refused input within the budgets (or only counts it) and counts the refusal.
    void refuse(store::QuarantineRow row, bool wrong_password, bool suspicious) {
      if (suspicious) ++refusals_;
      if (wrong_password) ++wrong_passwords_;
      size_t received = row.bytes.size();
      if (received > owner_.opt.quarantine_keep_bytes) {
        row.bytes.resize(owner_.opt.quarantine_keep_bytes);
        row.reason += " (" + std::to_string(received) + " bytes received, the first " +
                      std::to_string(owner_.opt.quarantine_keep_bytes) + " kept)";
      }
      if (row.reason.size() > 1024) row.reason.resize(1024);
      if (!owner_.quarantine_budget(address_, row.bytes.size() + row.reason.size() + row.peer.size() + row.mn.size(),
                                    quarantine_used_))
        return;  // counted in stats.quarantine_dropped
      ++in_flight_;
      owner_.enqueue({weak_from_this(), Handled{std::nullopt, std::move(row), "", ""}});
    }

    void process() {
      auto registry = owner_.snapshot();
      const TimeWindow& window = owner_.time_window();
      size_t used = 0;
      std::string unframed, unframed_reason;  // everything unframed in this read: one record
      size_t unframed_bytes = 0;
      for (;;) {
        std::string_view rest(buffer_.data() + used, buffer_.size() - used);
        auto s = scan_frame(rest, owner_.opt.max_data);
        if (s.kind == Scan::Kind::need_more) break;
        std::string_view piece = rest.substr(0, s.length);
        used += s.length;
        if (s.kind == Scan::Kind::skip) {
          if (only_whitespace(piece)) continue;
          if (unframed_reason.empty()) unframed_reason = s.reason;
          unframed_bytes += piece.size();
          if (unframed.size() < owner_.opt.quarantine_keep_bytes)
            unframed.append(piece.substr(0, owner_.opt.quarantine_keep_bytes - unframed.size()));
          continue;
        }
        Handled h = handle_frame(piece, peer_, *registry, bound_mn_, window);
        if (h.quarantine) {
          refuse(std::move(*h.quarantine), h.wrong_password, h.suspicious);
          if (over_refusals()) break;  // the rest of what it sent is not even looked at
          continue;
        }
        valid_ = true;
        refusals_ = 0;  // refusals count in a row: a station's occasional bad CRC over days is no attack
        if (h.store && bound_mn_.empty()) bound_mn_ = h.mn;
        if (!h.store) {  // answered without storing (heartbeat, time request)
          if (!h.reply.empty()) send(std::move(h.reply));
          continue;
        }
        ++in_flight_;
        owner_.enqueue({weak_from_this(), std::move(h)});
      }
      buffer_.erase(0, used);
      if (unframed_bytes > 0)
        refuse(store::QuarantineRow{0, "", peer_, bound_mn_,
                                    "unframed bytes: " + std::to_string(unframed_bytes) + " bytes in one read (" +
                                        unframed_reason + ")",
                                    unframed},
               false, true);
      if (over_refusals()) {
        owner_.penalize(address_);
        close();
        return;
      }
      if (valid_ && !idle_armed_) {
        idle_armed_ = true;
        arm_timer(owner_.opt.idle_timeout);
      }
    }

    bool over_refusals() const {
      return refusals_ >= owner_.opt.max_refusals_per_connection ||
             wrong_passwords_ >= owner_.opt.max_wrong_passwords_per_connection;
    }

    // Everything queued leaves in one write (a committed batch answers hundreds of frames at once).
    void write() {
      wbuf_.clear();
      size_t credits = 0;
      for (auto& [bytes, releases] : out_) {
        wbuf_ += bytes;
        credits += releases;
      }
      out_.clear();
      writing_ = true;
      asio::async_write(socket_, asio::buffer(wbuf_),
                        [self = shared_from_this(), credits](const asio::error_code& ec, size_t) {
                          self->writing_ = false;
                          if (ec) {
                            self->close();
                            return;
                          }
                          self->in_flight_ -= std::min(self->in_flight_, credits);
                          if (!self->out_.empty()) self->write();
                        });
    }

    void close() {
      asio::error_code ec;
      timer_.cancel();
      pause_.cancel();
      if (socket_.is_open()) {
        socket_.shutdown(tcp::socket::shutdown_both, ec);
        socket_.close(ec);
      }
      release();
    }

    Impl& owner_;
    tcp::socket socket_;
    asio::steady_timer timer_, pause_;
    std::array<char, 16384> chunk_{};
    std::string buffer_;
    std::deque<std::pair<std::string, bool>> out_;  // replies waiting, and whether each ends a frame's flight
    std::string wbuf_;                              // the replies being written
    bool writing_ = false;
    std::string address_, peer_;
    std::string bound_mn_;
    bool valid_ = false, idle_armed_ = false, listed_ = false, released_ = false;
    std::list<std::weak_ptr<Session>>::iterator in_list_;
    size_t refusals_ = 0, wrong_passwords_ = 0, quarantine_used_ = 0, in_flight_ = 0;
  };

  void accept() {
    acceptor.async_accept([this](const asio::error_code& ec, tcp::socket socket) {
      if (!acceptor.is_open()) return;
      if (ec) {
        // Out of file descriptors (EMFILE/ENFILE): wait instead of spinning on accept.
        if (stats.accept_errors++ % 100 == 0)
          std::cerr << "shanshui: hj212 accept: " << ec.message() << " (backing off)\n";
        accept_backoff.expires_after(std::chrono::milliseconds(100));
        accept_backoff.async_wait([this](const asio::error_code&) { accept(); });
        return;
      }
      asio::error_code aec;
      auto ep = socket.remote_endpoint(aec);
      std::string address = aec ? "?" : ep.address().to_string();
      if (stats.open >= opt.max_connections && !penalized(address) && open_per_address[address] < opt.max_per_address)
        for (auto& w : sessions)
          if (auto s = w.lock(); s && s->evictable()) {
            s->evict();
            break;
          }
      if (stats.open >= opt.max_connections || open_per_address[address] >= opt.max_per_address || penalized(address)) {
        stats.refused_connections++;
        if (open_per_address[address] == 0) open_per_address.erase(address);
        socket.close(aec);
      } else {
        stats.connections++;
        stats.open++;
        open_per_address[address]++;
        auto session = std::make_shared<Session>(*this, std::move(socket), address);
        sessions.push_back(session);
        session->start(std::prev(sessions.end()));
      }
      accept();
    });
  }
};

Listener::Listener(ListenerOptions options, std::string db_path) : impl_(std::make_unique<Impl>()) {
  impl_->opt = std::move(options);
  impl_->db_path = std::move(db_path);
}

Listener::~Listener() {
  stop();
  if (impl_->writer.joinable()) impl_->writer.join();
}

Status Listener::start() {
  auto s = store::open_store(impl_->db_path);
  SS_TRY(s);
  impl_->store = std::move(*s);
  if (impl_->opt.durable)
    if (auto d = impl_->store->set_durable(); !d) return d;
  if (auto r = impl_->load_registry(); !r) return r;
  auto usage = impl_->store->quarantine_usage();
  SS_TRY(usage);
  impl_->total_bytes = static_cast<size_t>(usage->bytes);
  asio::error_code ec;
  auto address = asio::ip::make_address(impl_->opt.host, ec);
  if (ec) return fail("--host '" + impl_->opt.host + "': " + ec.message());
  tcp::endpoint ep(address, impl_->opt.port);
  impl_->acceptor.open(ep.protocol(), ec);
  if (!ec) impl_->acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) impl_->acceptor.bind(ep, ec);
  if (!ec) impl_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return fail("cannot listen on " + impl_->opt.host + ":" + std::to_string(impl_->opt.port) + ": " + ec.message());
  impl_->writer = std::thread([this] { impl_->write_loop(); });
  impl_->accept();
  return {};
}

uint16_t Listener::port() const { return impl_->acceptor.local_endpoint().port(); }

void Listener::run(bool handle_signals) {
  if (handle_signals) {
    impl_->signals = std::make_unique<asio::signal_set>(impl_->io, SIGINT, SIGTERM);
    impl_->signals->async_wait([this](const asio::error_code&, int) { stop(); });
  }
  auto guard = asio::make_work_guard(impl_->io);
  impl_->io.run();
  {
    std::lock_guard<std::mutex> lock(impl_->jobs_mu);
    impl_->stopping = true;
  }
  impl_->jobs_cv.notify_all();
  if (impl_->writer.joinable()) impl_->writer.join();
}

void Listener::stop() {
  asio::post(impl_->io, [this] {
    asio::error_code ec;
    impl_->acceptor.close(ec);
    impl_->io.stop();
  });
}

const ListenerStats& Listener::stats() const { return impl_->stats; }
const ListenerOptions& Listener::options() const { return impl_->opt; }

}  // namespace shanshui::hj212
