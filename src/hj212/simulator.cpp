// simulator.cpp: one blocking thread per simulated data logger (POSIX sockets).
#include "hj212/simulator.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <thread>

#include "hj212/crc.h"
#include "hj212/packet.h"

namespace shanshui::hj212 {
namespace {

uint64_t mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}
double unit(uint64_t x) { return static_cast<double>(mix(x) >> 11) * 0x1.0p-53; }

std::string fmt(double v, int decimals) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

int connect_to(const std::string& host, uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  ::inet_pton(AF_INET, host.c_str(), &a.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

bool send_all(int fd, std::string_view s) {
  while (!s.empty()) {
    ssize_t n = ::send(fd, s.data(), s.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    s.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

}  // namespace

std::vector<store::Station> simulated_stations(const SimOptions& o) {
  if (!o.stations.empty()) return o.stations;
  std::vector<store::Station> out;
  auto add = [&](const char* kind, int n) {
    for (int i = 1; i <= n; ++i) {
      char mn[64];
      std::snprintf(mn, sizeof mn, "%s%s%05d", o.mn_prefix.c_str(),
                    kind[0] == 'a'   ? "A"
                    : kind[0] == 'w' ? "W"
                                     : "N",
                    i);
      store::Station s;
      s.mn = mn;
      s.kind = kind;
      s.name = std::string("模拟") +
               (kind[0] == 'a'   ? "空气站"
                : kind[0] == 'w' ? "水质站"
                                 : "噪声站") +
               std::to_string(i);
      s.password = o.password;
      s.crc_mode = unit(mix(o.seed) ^ std::hash<std::string>{}(s.mn)) < o.modbus ? "modbus-swapped" : "standard";
      out.push_back(s);
    }
  };
  add("air", o.air);
  add("water", o.water);
  add("noise", o.noise);
  return out;
}

std::string simulated_segment(const store::Station& st, const SimOptions& o, long day, int hour, uint64_t qn_seq) {
  Date d = Date::from_days(day);
  char dt[20];
  std::snprintf(dt, sizeof dt, "%04d%02d%02d%02d0000", d.year, d.month, d.day, hour);
  char qn[24];
  std::snprintf(qn, sizeof qn, "%04d%02d%02d%02d%02d%02d%03d", d.year, d.month, d.day, hour,
                static_cast<int>(qn_seq / 1000 % 60), static_cast<int>(qn_seq / 60000 % 60),
                static_cast<int>(qn_seq % 1000));
  uint64_t key = mix(o.seed) ^ std::hash<std::string>{}(st.mn) ^
                 (static_cast<uint64_t>(day) * 24 + static_cast<uint64_t>(hour)) * 0x100000001B3ULL;
  double season = std::cos(6.283185307179586 * (d.month - 1) / 12.0);  // +1 in January
  double daily = std::cos(6.283185307179586 * (hour - 8) / 24.0);
  std::string cp = "DataTime=" + std::string(dt);
  auto item = [&](const char* code, double v, int decimals) {
    cp += ";" + std::string(code) + "-Avg=" + fmt(v, decimals) + "," + code + "-Flag=N";
  };
  const char* st_code = "22";
  if (st.kind == "air") {
    double pm25 = std::max(2.0, (25 + 14 * season) * (1 + 0.2 * daily) * (0.7 + 0.6 * unit(key)));
    item("a21026", 6 + 3 * season + 2 * unit(key + 1), 0);
    item("a21004", 18 + 6 * season + 8 * unit(key + 2), 0);
    item("a34002", pm25 * 1.5 + 5 * unit(key + 3), 0);
    item("a21005", 0.5 + 0.25 * season + 0.2 * unit(key + 4), 2);
    // About one summer afternoon hour in 500 is an ozone episode over the GB 3095 1-hour limit (200).
    bool episode = season < 0 && hour >= 13 && hour <= 16 && unit(key + 97) < 0.002 * (hour - 12);
    item("a05024",
         episode ? 205 + 40 * unit(key + 98)
                 : std::max(5.0, 60 - 30 * season +
                                     50 * std::max(0.0, std::sin(3.14159 * (hour - 6) / 13.0)) * unit(key + 5)),
         0);
    item("a34004", pm25, 0);
  } else if (st.kind == "water") {
    st_code = "21";
    item("w01010", 18 - 8 * season + daily, 1);
    item("w01001", 7.6 + 0.4 * unit(key + 1), 2);
    item("w01009", 8.0 + 1.0 * season - 0.5 * unit(key + 2), 2);
    item("w01019", 1.8 + 0.8 * unit(key + 3), 2);
    // About one hour in 3000 carries an ammonia-nitrogen pulse worse than class III (> 1.0 mg/L).
    item("w21003", unit(key + 97) < 0.0003 ? 1.05 + 0.6 * unit(key + 98) : 0.15 + 0.2 * unit(key + 4), 3);
    item("w21011", 0.04 + 0.04 * unit(key + 5), 3);
  } else {
    st_code = "23";
    double base = hour >= 6 && hour < 22 ? 54 : 44;
    cp += ";Leq-Data=" + fmt(base + 4 * unit(key + 1) - 2, 1) + ";L10-Data=" + fmt(base + 5 * unit(key + 2), 1) +
          ";L90-Data=" + fmt(base - 6 + 3 * unit(key + 3), 1);
  }
  return "QN=" + std::string(qn) + ";ST=" + st_code + ";CN=2061;PW=" + st.password + ";MN=" + st.mn + ";Flag=5;CP=&&" +
         cp + "&&";
}

Result<SimStats> run_simulation(const SimOptions& o) {
  auto stations = simulated_stations(o);
  if (stations.empty()) return fail("no stations to simulate (--air, --water or --noise)");
  if (o.port == 0) return fail("--port is required");
  std::atomic<uint64_t> frames{0}, acked{0}, resent{0}, bad{0}, reconnects{0}, failed{0}, values{0};
  std::mutex log_mu;
  std::ofstream ack_log;
  if (!o.ack_log.empty()) ack_log.open(o.ack_log, std::ios::app);
  const long first_day = o.from.days();
  auto started = std::chrono::steady_clock::now();

  auto run_station = [&](const store::Station& st, size_t index) {
    CrcMode mode = crc_mode_from_string(st.crc_mode).value_or(CrcMode::standard);
    uint64_t rnd = mix(o.seed * 1315423911ULL + index);
    auto chance = [&](double p) { return p > 0 && unit(rnd++) < p; };
    int fd = -1;
    std::string inbox;
    auto reconnect = [&]() {
      if (fd >= 0) ::close(fd);
      fd = -1;
      inbox.clear();
      for (int attempt = 0; attempt < 50 && fd < 0; ++attempt) {
        fd = connect_to(o.host, o.port);
        if (fd < 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      if (fd >= 0) {
        timeval tv{o.reply_timeout_ms / 1000, (o.reply_timeout_ms % 1000) * 1000};
        ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      }
      return fd >= 0;
    };
    if (!reconnect()) {
      failed += static_cast<uint64_t>(o.hours);
      return;
    }
    struct Pending {
      std::string qn, frame, data_time;
      int values = 0;
    };
    int next = 0;
    while (next < o.hours) {
      std::vector<Pending> window;
      for (int k = 0; k < o.window && next < o.hours; ++k, ++next) {
        long day = first_day + next / 24;
        int hour = next % 24;
        std::string seg = simulated_segment(st, o, day, hour, static_cast<uint64_t>(next));
        Pending p{seg.substr(3, 17), frame(seg, mode), seg.substr(seg.find("DataTime=") + 9, 14), 0};
        for (size_t at = seg.find("-Avg="); at != std::string::npos; at = seg.find("-Avg=", at + 1)) ++p.values;
        for (size_t at = seg.find("-Data="); at != std::string::npos; at = seg.find("-Data=", at + 1)) ++p.values;
        window.push_back(std::move(p));
      }
      for (int attempt = 0; attempt < 4 && !window.empty(); ++attempt) {
        if (attempt > 0) {
          resent += window.size();
          if (attempt == 3 && !reconnect()) break;
        }
        bool io_ok = true;
        for (const auto& p : window) {
          if (chance(o.bad_crc)) {  // a corrupted copy first: the platform must refuse it silently
            std::string broken = p.frame;
            broken[broken.size() - 3] = broken[broken.size() - 3] == '0' ? '1' : '0';
            io_ok = io_ok && send_all(fd, broken);
            ++bad;
          }
          if (chance(o.split)) {  // the frame in pieces, as a slow serial line delivers it
            size_t a = p.frame.size() / 3, b = 2 * p.frame.size() / 3;
            io_ok = io_ok && send_all(fd, std::string_view(p.frame).substr(0, a));
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
            io_ok = io_ok && send_all(fd, std::string_view(p.frame).substr(a, b - a));
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
            io_ok = io_ok && send_all(fd, std::string_view(p.frame).substr(b));
          } else {
            io_ok = io_ok && send_all(fd, p.frame);
          }
          if (attempt == 0) ++frames;
          if (o.rate > 0) std::this_thread::sleep_for(std::chrono::duration<double>(1.0 / o.rate));
        }
        // Collect 9014 replies until every frame of the window is answered or the timeout passes.
        auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(o.reply_timeout_ms);
        while (io_ok && !window.empty() && std::chrono::steady_clock::now() < deadline) {
          char buf[8192];
          ssize_t n = ::recv(fd, buf, sizeof buf, 0);
          if (n <= 0) {
            io_ok = n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
            break;
          }
          inbox.append(buf, static_cast<size_t>(n));
          for (size_t nl; (nl = inbox.find("\r\n")) != std::string::npos;) {
            std::string line = inbox.substr(0, nl);
            inbox.erase(0, nl + 2);
            auto d = decode_frame(line, mode);
            if (!d || d->packet.cn != "9014") continue;
            for (size_t i = 0; i < window.size(); ++i)
              if (window[i].qn == d->packet.qn) {
                ++acked;
                values += static_cast<uint64_t>(window[i].values);
                if (ack_log.is_open()) {
                  std::lock_guard<std::mutex> lock(log_mu);
                  ack_log << st.mn << " " << window[i].qn << " " << window[i].data_time << "\n";
                  ack_log.flush();
                }
                window.erase(window.begin() + static_cast<long>(i));
                break;
              }
          }
        }
        if (!io_ok && !reconnect()) break;
      }
      failed += window.size();
      if (chance(o.disconnect)) {
        ++reconnects;
        reconnect();
      }
    }
    if (fd >= 0) ::close(fd);
  };

  std::vector<std::thread> threads;
  threads.reserve(stations.size());
  for (size_t i = 0; i < stations.size(); ++i) threads.emplace_back(run_station, std::cref(stations[i]), i);
  for (auto& t : threads) t.join();
  SimStats s;
  s.frames = frames;
  s.acknowledged = acked;
  s.resent = resent;
  s.bad_crc = bad;
  s.reconnects = reconnects;
  s.failed = failed;
  s.values = values;
  s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return s;
}

}  // namespace shanshui::hj212
