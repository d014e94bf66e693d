// listener.cpp: sessions (framing, registry checks, replies) on one Asio thread; a writer thread
// that commits batches and only then releases the replies.
#include "hj212/listener/listener.h"

#include <asio.hpp>
#include <condition_variable>
#include <deque>
#include <iostream>
#include <mutex>
#include <thread>
#include <vector>

#include "hj212/ingest.h"
#include "store/store.h"

namespace shanshui::hj212 {
namespace {

using asio::ip::tcp;

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

  ListenerOptions opt;
  std::string db_path;
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::unique_ptr<asio::signal_set> signals;
  std::unique_ptr<store::Store> store;
  ListenerStats stats;

  std::mutex registry_mu;
  std::shared_ptr<const Registry> registry = std::make_shared<Registry>();

  std::mutex jobs_mu;
  std::condition_variable jobs_cv;
  std::vector<Job> jobs;
  bool stopping = false;
  std::thread writer;

  std::shared_ptr<const Registry> snapshot() {
    std::lock_guard<std::mutex> lock(registry_mu);
    return registry;
  }

  Status load_registry() {
    auto st = store->stations();
    if (!st) return tl::unexpected(st.error());
    auto r = std::make_shared<Registry>();
    for (auto& s : *st) r->emplace(s.mn, s);
    std::lock_guard<std::mutex> lock(registry_mu);
    registry = std::move(r);
    return {};
  }

  void enqueue(Job job) {
    {
      std::lock_guard<std::mutex> lock(jobs_mu);
      jobs.push_back(std::move(job));
    }
    jobs_cv.notify_one();
  }

  // The writer: take everything queued, commit it in one transaction, then send the replies.
  void write_loop() {
    auto next_refresh = std::chrono::steady_clock::now() + opt.registry_refresh;
    for (;;) {
      std::vector<Job> batch;
      {
        std::unique_lock<std::mutex> lock(jobs_mu);
        jobs_cv.wait_until(lock, next_refresh, [&] { return stopping || !jobs.empty(); });
        batch.swap(jobs);
        if (batch.empty() && stopping) return;
      }
      if (std::chrono::steady_clock::now() >= next_refresh) {
        if (auto s = load_registry(); !s) std::cerr << "shanshui: registry: " << s.error().message << "\n";
        next_refresh = std::chrono::steady_clock::now() + opt.registry_refresh;
      }
      if (batch.empty()) continue;
      std::vector<store::IngestFrame> frames;
      std::vector<store::QuarantineRow> quarantined;
      for (auto& j : batch) {
        if (j.handled.store) frames.push_back(*j.handled.store);
        if (j.handled.quarantine) quarantined.push_back(*j.handled.quarantine);
      }
      auto r = store->ingest(frames, quarantined);
      if (!r) {
        // Nothing is acknowledged: the stations resend (the standard's OverTime/ReCount).
        std::cerr << "shanshui: storing " << frames.size() << " frames failed: " << r.error().message << "\n";
        continue;
      }
      stats.batches++;
      stats.frames += static_cast<uint64_t>(r->frames);
      stats.values += static_cast<uint64_t>(r->values_added);
      stats.duplicates += static_cast<uint64_t>(r->values_duplicate);
      stats.quarantined += static_cast<uint64_t>(r->quarantined);
      for (auto& j : batch) {
        if (j.handled.reply.empty()) continue;
        asio::post(io, [s = j.session, reply = std::move(j.handled.reply)]() mutable {
          if (auto session = s.lock()) session->send(std::move(reply));
        });
      }
    }
  }

  class Session : public std::enable_shared_from_this<Session> {
   public:
    Session(Impl& owner, tcp::socket socket) : owner_(owner), socket_(std::move(socket)), timer_(owner.io) {
      asio::error_code ec;
      auto ep = socket_.remote_endpoint(ec);
      peer_ = ec ? "?" : ep.address().to_string() + ":" + std::to_string(ep.port());
    }

    void start() {
      arm_timer();
      read();
    }

    void send(std::string frame) {
      if (!socket_.is_open()) return;
      if (out_.size() >= owner_.opt.max_pending_replies) {  // a client that never reads
        close();
        return;
      }
      out_.push_back(std::move(frame));
      owner_.stats.replies++;
      if (out_.size() == 1) write();
    }

   private:
    void arm_timer() {
      timer_.expires_after(owner_.opt.idle_timeout);
      timer_.async_wait([self = shared_from_this()](const asio::error_code& ec) {
        if (!ec) self->close();  // idle: the station sent nothing for too long
      });
    }

    void read() {
      socket_.async_read_some(asio::buffer(chunk_), [self = shared_from_this()](const asio::error_code& ec, size_t n) {
        if (ec) {
          self->close();
          return;
        }
        self->buffer_.append(self->chunk_.data(), n);
        self->arm_timer();
        self->process();
        self->read();
      });
    }

    void process() {
      auto registry = owner_.snapshot();
      size_t used = 0;
      for (;;) {
        std::string_view rest(buffer_.data() + used, buffer_.size() - used);
        auto s = scan_frame(rest, owner_.opt.max_data);
        if (s.kind == Scan::Kind::need_more) break;
        std::string_view piece = rest.substr(0, s.length);
        used += s.length;
        if (s.kind == Scan::Kind::skip) {
          if (!only_whitespace(piece))
            owner_.enqueue({weak_from_this(), Handled{std::nullopt,
                                                      store::QuarantineRow{0, "", peer_, bound_mn_, "unframed bytes: " + s.reason,
                                                                           std::string(piece)},
                                                      "", bound_mn_}});
          continue;
        }
        Handled h = handle_frame(piece, peer_, *registry, bound_mn_);
        if (h.store && bound_mn_.empty()) bound_mn_ = h.mn;
        if (!h.store && !h.quarantine) {  // answered without storing (heartbeat, time request)
          if (!h.reply.empty()) send(std::move(h.reply));
          continue;
        }
        owner_.enqueue({weak_from_this(), std::move(h)});
      }
      buffer_.erase(0, used);
    }

    void write() {
      asio::async_write(socket_, asio::buffer(out_.front()), [self = shared_from_this()](const asio::error_code& ec, size_t) {
        if (ec) {
          self->close();
          return;
        }
        self->out_.pop_front();
        if (!self->out_.empty()) self->write();
      });
    }

    void close() {
      asio::error_code ec;
      timer_.cancel();
      if (socket_.is_open()) {
        socket_.shutdown(tcp::socket::shutdown_both, ec);
        socket_.close(ec);
      }
    }

    Impl& owner_;
    tcp::socket socket_;
    asio::steady_timer timer_;
    std::array<char, 16384> chunk_{};
    std::string buffer_;
    std::deque<std::string> out_;
    std::string peer_;
    std::string bound_mn_;
  };

  void accept() {
    acceptor.async_accept([this](const asio::error_code& ec, tcp::socket socket) {
      if (!ec) {
        stats.connections++;
        std::make_shared<Session>(*this, std::move(socket))->start();
      }
      if (acceptor.is_open()) accept();
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
  auto s = store::open_sqlite_store(impl_->db_path);
  if (!s) return tl::unexpected(s.error());
  impl_->store = std::move(*s);
  if (impl_->opt.durable)
    if (auto d = impl_->store->set_durable(); !d) return d;
  if (auto r = impl_->load_registry(); !r) return r;
  asio::error_code ec;
  auto address = asio::ip::make_address(impl_->opt.host, ec);
  if (ec) return fail("--host '" + impl_->opt.host + "': " + ec.message());
  tcp::endpoint ep(address, impl_->opt.port);
  impl_->acceptor.open(ep.protocol(), ec);
  if (!ec) impl_->acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) impl_->acceptor.bind(ep, ec);
  if (!ec) impl_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return fail("cannot listen on " + impl_->opt.host + ":" + std::to_string(impl_->opt.port) + ": " + ec.message());
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

}  // namespace shanshui::hj212
