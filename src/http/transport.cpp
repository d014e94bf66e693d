// transport.cpp: connections on one Asio thread, each a small state machine (idle → reading a
// request → handling → writing); handlers on a worker pool behind a bounded queue.
#include "http/transport.h"

#include <asio.hpp>
#include <condition_variable>
#include <deque>
#include <iostream>
#include <list>
#include <map>
#include <mutex>
#include <thread>

namespace shanshui::http {
namespace {

using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

std::string error_body(int status, const std::string& message) {
  std::string m;
  for (char c : message) {  // the reasons are ASCII from the parser; escape what JSON needs
    if (c == '"' || c == '\\') m += '\\';
    if (static_cast<unsigned char>(c) >= 0x20) m += c;
  }
  return "{\"error\":\"" + m + "\",\"status\":" + std::to_string(status) + "}";
}

}  // namespace

struct Transport::Impl {
  class Conn;

  // A response on its way out: the serialised head and the body, sent as one gathered write.
  struct Outgoing {
    std::string head, body;
  };

  // Declared before the io_context: handlers still queued when it is destroyed release their
  // connections into these.
  TransportOptions opt;
  Handler handler;
  TransportStats stats;
  std::map<std::string, size_t> per_address;  // I/O thread only
  size_t uploads_in_flight = 0;               // bodies above the ordinary limit being received; I/O thread only
  std::list<std::weak_ptr<Conn>> conns;       // I/O thread only, oldest first (for eviction)

  std::mutex jobs_mu;
  std::condition_variable jobs_cv;
  std::deque<std::function<void()>> jobs;
  bool stopping = false;
  std::vector<std::thread> workers;

  asio::io_context io;
  tcp::acceptor acceptor{io};
  asio::steady_timer accept_backoff{io};

  Response error_response(int status, const std::string& message) {
    Response r;
    r.status = status;
    for (const auto& [k, v] : opt.headers) r.set_header(k, v);
    r.set_content(opt.error_body ? opt.error_body(status, message) : error_body(status, message),
                  "application/json; charset=utf-8");
    return r;
  }

  // Queues a job for a worker; false when the queue is full.
  bool submit(std::function<void()> job) {
    {
      std::lock_guard lock(jobs_mu);
      if (jobs.size() >= opt.max_queued) return false;
      jobs.push_back(std::move(job));
      stats.queued = static_cast<int64_t>(jobs.size());
    }
    jobs_cv.notify_one();
    return true;
  }

  void work() {
    for (;;) {
      std::function<void()> job;
      {
        std::unique_lock lock(jobs_mu);
        jobs_cv.wait(lock, [&] { return stopping || !jobs.empty(); });
        if (jobs.empty()) return;
        job = std::move(jobs.front());
        jobs.pop_front();
        stats.queued = static_cast<int64_t>(jobs.size());
      }
      job();
    }
  }

  class Conn : public std::enable_shared_from_this<Conn> {
   public:
    Conn(Impl& owner, tcp::socket socket, std::string address)
        : owner_(owner),
          socket_(std::move(socket)),
          timer_(owner.io),
          parser_(owner.opt.limits),
          address_(std::move(address)) {}
    ~Conn() { release(); }

    void start(std::list<std::weak_ptr<Conn>>::iterator self_in_list) {
      in_list_ = self_in_list;
      listed_ = true;
      enter_idle();
      read();
    }

    // Under a full house, a connection that is idle, or still dribbling in its request, makes room
    // for a new one; one being handled or answered is never cut.
    bool evictable() const { return phase_ == Phase::idle || phase_ == Phase::reading; }
    void evict() { close(); }

   private:
    enum class Phase { idle, reading, handling, writing, closed };

    void enter_idle() {
      phase_ = Phase::idle;
      arm(owner_.opt.idle_timeout);
    }

    void arm(std::chrono::milliseconds after) {
      timer_.expires_after(after);
      timer_.async_wait([self = shared_from_this(), generation = ++timer_generation_](const asio::error_code& ec) {
        if (!ec && generation == self->timer_generation_) self->on_timer();
      });
    }

    void on_timer() {
      switch (phase_) {
        case Phase::idle:
        case Phase::writing:
          close();
          return;
        case Phase::reading: {
          // Headers must be complete within header_deadline, the whole request within request_deadline.
          auto elapsed = Clock::now() - request_began_;
          if (elapsed < owner_.opt.request_deadline && parser_.state() == RequestParser::State::need_more &&
              parser_.past_headers()) {
            arm(std::chrono::duration_cast<std::chrono::milliseconds>(owner_.opt.request_deadline - elapsed));
            return;
          }
          owner_.stats.timeouts++;
          fail(408, "request not complete in time");
          return;
        }
        default:
          return;
      }
    }

    void read() {
      socket_.async_read_some(asio::buffer(chunk_), [self = shared_from_this()](const asio::error_code& ec, size_t n) {
        if (ec) return self->close();
        self->on_bytes(std::string_view(self->chunk_.data(), n));
      });
    }

    void on_bytes(std::string_view bytes) {
      if (phase_ == Phase::closed) return;
      if (phase_ == Phase::idle) begin_request();
      after_parse(parser_.feed(bytes));
    }

    // The first byte of a request starts its deadlines; a trickle of bytes does not extend them.
    void begin_request() {
      phase_ = Phase::reading;
      request_began_ = Clock::now();
      arm(owner_.opt.header_deadline);
    }

    void after_parse(RequestParser::State s) {
      if (s == RequestParser::State::error) {
        owner_.stats.bad_requests++;
        return fail(parser_.error_status(), parser_.error_reason());
      }
      if (s == RequestParser::State::done) return dispatch();
      // A body larger than the ordinary limit (an evidence upload) takes one of a few slots while
      // it arrives, so that many strangers cannot each hold megabytes at once.
      if (!upload_slot_ && parser_.past_headers() && parser_.body_length() > owner_.opt.limits.max_body) {
        if (owner_.uploads_in_flight >= owner_.opt.max_uploads_in_flight) {
          owner_.stats.overloaded++;
          return fail(503, "too many uploads at once; try again shortly");
        }
        ++owner_.uploads_in_flight;
        upload_slot_ = true;
      }
      read();
    }

    void release_upload_slot() {
      if (!upload_slot_) return;
      upload_slot_ = false;
      --owner_.uploads_in_flight;
    }

    void dispatch() {
      phase_ = Phase::handling;
      ++timer_generation_;  // no deadline while a worker handles it
      timer_.cancel();
      auto req = std::make_shared<Request>(parser_.take());
      release_upload_slot();
      req->remote_addr = address_;
      owner_.stats.requests++;
      bool keep = req->keep_alive && ++served_ < owner_.opt.max_requests_per_connection;
      auto self = shared_from_this();
      bool queued = owner_.submit([self, req, keep] {
        Response res;
        try {
          self->owner_.handler(*req, res);
        } catch (...) {
          res = self->owner_.error_response(500, "internal error");
        }
        for (const auto& [k, v] : self->owner_.opt.headers)
          if (res.get_header_value(k).empty()) res.set_header(k, v);
        if (req->method == "HEAD") res.head_only = true;
        // Head and body leave as two buffers of one write: a 142 KB view is not copied again.
        auto out = std::make_shared<Outgoing>(
            Outgoing{serialize_head(res, keep), res.head_only ? std::string() : std::move(res.body)});
        asio::post(self->owner_.io, [self, out, keep] { self->write(out, keep); });
      });
      if (!queued) {
        owner_.stats.overloaded++;
        auto res = owner_.error_response(503, "server busy; try again shortly");
        res.set_header("Retry-After", "1");
        write(std::make_shared<Outgoing>(Outgoing{serialize(res, false), ""}), false);
      }
    }

    void fail(int status, const std::string& reason) {
      write(std::make_shared<Outgoing>(Outgoing{serialize(owner_.error_response(status, reason), false), ""}), false);
    }

    void write(const std::shared_ptr<Outgoing>& out, bool keep) {
      if (phase_ == Phase::closed) return;
      phase_ = Phase::writing;
      arm(owner_.opt.write_deadline);
      std::array<asio::const_buffer, 2> buffers{asio::buffer(out->head), asio::buffer(out->body)};
      asio::async_write(socket_, buffers, [self = shared_from_this(), out, keep](const asio::error_code& ec, size_t) {
        if (ec || !keep) return self->close();
        self->enter_idle();
        // A pipelined request may already be buffered.
        if (!self->parser_.started()) return self->read();
        self->begin_request();
        self->after_parse(self->parser_.resume());
      });
    }

    void close() {
      if (phase_ == Phase::closed) return;
      phase_ = Phase::closed;
      ++timer_generation_;
      timer_.cancel();
      asio::error_code ec;
      socket_.shutdown(tcp::socket::shutdown_both, ec);
      socket_.close(ec);
      release();
    }

    void release() {
      if (released_) return;
      released_ = true;
      release_upload_slot();
      if (listed_) owner_.conns.erase(in_list_);
      owner_.stats.open--;
      auto it = owner_.per_address.find(address_);
      if (it != owner_.per_address.end() && --it->second == 0) owner_.per_address.erase(it);
    }

    Impl& owner_;
    tcp::socket socket_;
    asio::steady_timer timer_;
    uint64_t timer_generation_ = 0;
    RequestParser parser_;
    std::string address_;
    std::array<char, 16384> chunk_{};
    Phase phase_ = Phase::idle;
    bool upload_slot_ = false;
    Clock::time_point request_began_;
    bool released_ = false, listed_ = false;
    std::list<std::weak_ptr<Conn>>::iterator in_list_;
    size_t served_ = 0;
  };

  // Closes the oldest idle or unfinished connection (the slow and the silent go first).
  void evict_one() {
    for (auto it = conns.begin(); it != conns.end(); ++it)
      if (auto c = it->lock(); c && c->evictable()) {
        stats.evicted++;
        c->evict();
        return;
      }
  }

  // Answers and closes a connection that is over a limit, without reading from it.
  void refuse(tcp::socket& socket, const std::string& why) {
    std::string bytes = serialize(error_response(503, why), false);
    asio::error_code ec;
    socket.non_blocking(true, ec);
    socket.write_some(asio::buffer(bytes), ec);  // best effort: a full socket buffer just loses it
    socket.shutdown(tcp::socket::shutdown_both, ec);
    socket.close(ec);
  }

  void accept() {
    acceptor.async_accept([this](const asio::error_code& ec, tcp::socket socket) {
      if (!acceptor.is_open()) return;
      if (ec) {
        // Out of file descriptors (EMFILE/ENFILE) or buffers: wait instead of spinning on accept.
        if (stats.accept_errors++ % 100 == 0)
          std::cerr << "shanshui: http accept: " << ec.message() << " (backing off)\n";
        accept_backoff.expires_after(std::chrono::milliseconds(100));
        accept_backoff.async_wait([this](const asio::error_code&) { accept(); });
        return;
      }
      stats.accepted++;
      asio::error_code aec;
      auto ep = socket.remote_endpoint(aec);
      std::string address = aec ? "?" : ep.address().to_string();
      if (static_cast<size_t>(stats.open.load()) >= opt.max_connections) evict_one();
      if (static_cast<size_t>(stats.open.load()) >= opt.max_connections) {
        stats.refused_full++;
        refuse(socket, "too many connections; try again shortly");
      } else if (per_address[address] >= opt.max_per_address) {
        stats.refused_per_address++;
        refuse(socket, "too many connections from " + address);
      } else {
        socket.set_option(tcp::no_delay(true), aec);  // headers and body leave in one write anyway
        per_address[address]++;
        stats.open++;
        auto conn = std::make_shared<Conn>(*this, std::move(socket), address);
        conns.push_back(conn);
        conn->start(std::prev(conns.end()));
      }
      accept();
    });
  }
};

Transport::Transport(TransportOptions options, Handler handler) : impl_(std::make_unique<Impl>()) {
  impl_->opt = std::move(options);
  impl_->handler = std::move(handler);
}

Transport::~Transport() {
  stop();
  {
    std::lock_guard lock(impl_->jobs_mu);
    impl_->stopping = true;
  }
  impl_->jobs_cv.notify_all();
  for (auto& t : impl_->workers)
    if (t.joinable()) t.join();
}

Result<int> Transport::bind() {
  asio::error_code ec;
  auto address = asio::ip::make_address(impl_->opt.host, ec);
  if (ec) return fail("--host '" + impl_->opt.host + "': " + ec.message());
  tcp::endpoint ep(address, static_cast<uint16_t>(impl_->opt.port));
  impl_->acceptor.open(ep.protocol(), ec);
  if (!ec) impl_->acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) impl_->acceptor.bind(ep, ec);
  if (!ec) impl_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return fail("cannot listen on " + impl_->opt.host + ":" + std::to_string(impl_->opt.port) + ": " + ec.message());
  return static_cast<int>(impl_->acceptor.local_endpoint().port());
}

void Transport::run() {
  for (size_t i = 0; i < std::max<size_t>(1, impl_->opt.workers); ++i)
    impl_->workers.emplace_back([this] { impl_->work(); });
  impl_->accept();
  auto guard = asio::make_work_guard(impl_->io);
  impl_->io.run();
  {
    std::lock_guard lock(impl_->jobs_mu);
    impl_->stopping = true;
  }
  impl_->jobs_cv.notify_all();
  for (auto& t : impl_->workers)
    if (t.joinable()) t.join();
  impl_->workers.clear();
}

void Transport::stop() {
  asio::post(impl_->io, [this] {
    asio::error_code ec;
    impl_->acceptor.close(ec);
    impl_->accept_backoff.cancel();
    impl_->io.stop();
  });
}

const TransportStats& Transport::stats() const { return impl_->stats; }

}  // namespace shanshui::http
