// gep_mpi.cpp: `shanshui-gep-mpi`, the ecosystem account spread over MPI ranks (OpenMPI). Rank 0
// does what `shanshui gep run` does — reads the plan and the township layer from the database,
// checks the rasters, prints and records — and hands each year to every rank: rank r sums the
// tiles with `tile % ranks == r` (each with its own oneTBB threads and GDAL handles) and sends the
// sums back; rank 0 adds all of them in tile order, so the account is the single-process one to
// the bit. Only rank 0 touches the database; every rank reads the rasters (a shared file system on
// a cluster). See docs/gep.md, "Across machines".
#include <mpi.h>

#include <CLI/CLI.hpp>
#include <cstdint>
#include <cstring>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "app/cli_gep.h"
#include "app/commands.h"
#include "ecoacct/account.h"
#include "ecoacct/params.h"
#include "raster/raster.h"

namespace shanshui::app {
namespace {

// ---- a byte buffer for the two messages: the job (rank 0 → all) and a rank's sums (all → 0) ----

struct Out {
  std::vector<char> bytes;
  template <class T>
  void put(const T& v) {
    const char* p = reinterpret_cast<const char*>(&v);
    bytes.insert(bytes.end(), p, p + sizeof v);
  }
  void put_string(const std::string& s) {
    put(static_cast<uint64_t>(s.size()));
    bytes.insert(bytes.end(), s.begin(), s.end());
  }
};

struct In {
  const char* p;
  const char* end;
  bool ok = true;
  template <class T>
  T get() {
    T v{};
    if (end - p < static_cast<long>(sizeof v)) {
      ok = false;
      return v;
    }
    std::memcpy(&v, p, sizeof v);
    p += sizeof v;
    return v;
  }
  std::string get_string() {
    auto n = get<uint64_t>();
    if (!ok || static_cast<uint64_t>(end - p) < n) {
      ok = false;
      return {};
    }
    std::string s(p, n);
    p += n;
    return s;
  }
};

// ---- the job ----

enum class Job : uint8_t { kStop = 0, kYear = 1 };

Out job_message(const service::SumJob& j) {
  Out o;
  o.put(Job::kYear);
  o.put(static_cast<int32_t>(j.year));
  o.put(static_cast<int32_t>(j.options->tile));
  o.put(static_cast<int32_t>(j.options->threads));
  o.put_string(j.profile_path);
  o.put_string(j.options->rasters_dir);
  o.put(static_cast<uint64_t>(j.options->zones_wkb.size()));
  for (const auto& w : j.options->zones_wkb) o.put_string(w);
  return o;
}

void broadcast(Out& o) {
  auto n = static_cast<uint64_t>(o.bytes.size());
  MPI_Bcast(&n, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
  MPI_Bcast(o.bytes.data(), static_cast<int>(n), MPI_CHAR, 0, MPI_COMM_WORLD);
}

std::vector<char> receive_broadcast() {
  uint64_t n = 0;
  MPI_Bcast(&n, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
  std::vector<char> b(n);
  MPI_Bcast(b.data(), static_cast<int>(n), MPI_CHAR, 0, MPI_COMM_WORLD);
  return b;
}

// ---- a rank's answer: its tiles' sums (doubles copied bit for bit) or why it could not ----

Out sums_message(const Result<std::vector<ecoacct::TileSums>>& r) {
  Out o;
  o.put(static_cast<uint8_t>(r ? 1 : 0));
  if (!r) {
    o.put_string(r.error().message);
    return o;
  }
  o.put(static_cast<uint64_t>(r->size()));
  for (const auto& t : *r) {
    o.put(static_cast<uint64_t>(t.tile));
    o.put(static_cast<uint64_t>(t.values.size()));
    const char* p = reinterpret_cast<const char*>(t.values.data());
    o.bytes.insert(o.bytes.end(), p, p + t.values.size() * sizeof(double));
  }
  return o;
}

Status read_sums(const char* p, size_t n, int rank, std::vector<ecoacct::TileSums>& all) {
  In in{p, p + n};
  auto ok = in.get<uint8_t>();
  if (!ok) return fail("rank " + std::to_string(rank) + ": " + in.get_string());
  auto count = in.get<uint64_t>();
  uint64_t read = 0;
  for (; in.ok && read < count; ++read) {
    ecoacct::TileSums t;
    t.tile = static_cast<size_t>(in.get<uint64_t>());
    auto k = in.get<uint64_t>();
    if (!in.ok || static_cast<uint64_t>(in.end - in.p) < k * sizeof(double)) {
      in.ok = false;
      break;
    }
    t.values.resize(k);
    std::memcpy(t.values.data(), in.p, k * sizeof(double));
    in.p += k * sizeof(double);
    all.push_back(std::move(t));
  }
  if (!in.ok || read != count) return fail("rank " + std::to_string(rank) + ": a truncated answer");
  return {};
}

/// Every rank's answer gathered on rank 0 (the others get an empty vector).
std::vector<std::vector<char>> gather(const Out& mine, int rank, int ranks) {
  int n = static_cast<int>(mine.bytes.size());
  std::vector<int> sizes(static_cast<size_t>(ranks)), offsets(static_cast<size_t>(ranks));
  MPI_Gather(&n, 1, MPI_INT, sizes.data(), 1, MPI_INT, 0, MPI_COMM_WORLD);
  std::vector<char> buf;
  if (rank == 0) {
    int at = 0;
    for (size_t r = 0; r < sizes.size(); ++r) {
      offsets[r] = at;
      at += sizes[r];
    }
    buf.resize(static_cast<size_t>(at));
  }
  MPI_Gatherv(mine.bytes.data(), n, MPI_CHAR, buf.data(), sizes.data(), offsets.data(), MPI_CHAR, 0, MPI_COMM_WORLD);
  std::vector<std::vector<char>> out;
  if (rank != 0) return out;
  for (size_t r = 0; r < sizes.size(); ++r)
    out.emplace_back(buf.begin() + offsets[r], buf.begin() + offsets[r] + sizes[r]);
  return out;
}

// ---- rank 0: the engine handed to gep_run ----

Result<std::vector<ecoacct::TileSums>> spread(const service::SumJob& j, int ranks) {
  Out job = job_message(j);
  broadcast(job);
  auto mine = ecoacct::sum_tiles(*j.prepared, 0, ranks);
  auto answers = gather(sums_message(mine), 0, ranks);
  if (!mine) return tl::unexpected(mine.error());
  std::vector<ecoacct::TileSums> all = std::move(*mine);
  for (int r = 1; r < ranks; ++r) {
    const auto& a = answers[static_cast<size_t>(r)];
    if (auto s = read_sums(a.data(), a.size(), r, all); !s) return tl::unexpected(s.error());
  }
  // Every tile exactly once, from the rank it belongs to: anything else (a node on another grid, a
  // stray answer) would be added silently.
  const size_t tiles = ecoacct::tile_count(*j.prepared);
  std::vector<bool> seen(tiles, false);
  for (const auto& t : all) {
    if (t.tile >= tiles || seen[t.tile])
      return fail("the ranks returned tile " + std::to_string(t.tile) + " twice or out of range (" +
                  std::to_string(tiles) + " tiles)");
    seen[t.tile] = true;
  }
  if (all.size() != tiles)
    return fail("the ranks returned " + std::to_string(all.size()) + " of " + std::to_string(tiles) + " tiles");
  // Who summed what, on stderr (stdout is the account): a rank with no tiles is a wasted machine.
  std::vector<size_t> per_rank(static_cast<size_t>(ranks), 0);
  for (const auto& t : all) ++per_rank[t.tile % static_cast<size_t>(ranks)];
  std::string line = "shanshui-gep-mpi: " + std::to_string(j.year) + ": " + std::to_string(all.size()) + " tiles;";
  for (size_t r = 0; r < per_rank.size(); ++r)
    line +=
        " rank " + std::to_string(r) + " summed " + std::to_string(per_rank[r]) + (r + 1 < per_rank.size() ? "," : "");
  std::cerr << line << "\n";
  return all;
}

// ---- ranks 1 …: wait for a year, sum my tiles, answer; until told to stop ----

Result<std::vector<ecoacct::TileSums>> work_on(const std::vector<char>& msg, int rank, int ranks,
                                               std::map<std::string, ecoacct::Profile>& profiles,
                                               std::shared_ptr<const raster::Zones>& zones) {
  In in{msg.data() + 1, msg.data() + msg.size()};
  int year = in.get<int32_t>();
  ecoacct::RunOptions ro;
  ro.tile = in.get<int32_t>();
  ro.threads = in.get<int32_t>();
  std::string profile_path = in.get_string();
  ro.rasters_dir = in.get_string();
  auto n_zones = in.get<uint64_t>();
  for (uint64_t i = 0; in.ok && i < n_zones; ++i) ro.zones_wkb.push_back(in.get_string());
  if (!in.ok) return fail("a truncated job message");
  ro.hash_inputs = false;  // rank 0 hashes the inputs for the provenance
  ro.zones = zones;
  auto it = profiles.find(profile_path);
  if (it == profiles.end()) {
    auto p = ecoacct::load_profile(profile_path);
    if (!p) return tl::unexpected(p.error());
    it = profiles.emplace(profile_path, std::move(*p)).first;
  }
  auto prepared = ecoacct::prepare(it->second, year, ro);
  if (!prepared) return tl::unexpected(prepared.error());
  zones = ecoacct::zones(**prepared);
  return ecoacct::sum_tiles(**prepared, rank, ranks);
}

void worker(int rank, int ranks) {
  std::map<std::string, ecoacct::Profile> profiles;
  std::shared_ptr<const raster::Zones> zones;
  for (;;) {
    auto msg = receive_broadcast();
    if (msg.empty() || static_cast<Job>(msg[0]) == Job::kStop) return;
    gather(sums_message(work_on(msg, rank, ranks, profiles, zones)), rank, ranks);
  }
}

int run(int argc, char** argv, int rank, int ranks) {
  CLI::App app{"shanshui-gep-mpi: the ecosystem account (GEP) of each year, tiles spread over MPI ranks"};
  Common c;
  GepArgs a;
  app.add_option(
      "--db", c.db,
      "the database: a SQLite file or postgresql://user@host/db (default: $SHANSHUI_DB or " + default_db_path() + ")");
  app.add_flag("--json", c.json, "print one JSON document on stdout");
  app.add_option("--year", a.years, "accounting year(s)")->required();
  app.add_option("--rasters", a.rasters, "directory of the rasters, the same path on every rank")
      ->default_val("var/demo-rasters");
  app.add_option("--config", a.profile, "method profile (default data/gep/gep.yaml)");
  app.add_option("--threads", a.threads, "threads per rank (default: every core)");
  app.add_option("--tile", a.tile, "cells per side of a tile, the unit of work spread over the ranks (default 512)")
      ->check(CLI::Range(16, 8192));
  app.add_flag("--record", a.record, "record the values with their provenance (rank 0)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return rank == 0 ? app.exit(e) : e.get_exit_code();  // every rank parses the same arguments alike
  }
  if (rank != 0) {
    worker(rank, ranks);
    return 0;
  }
  int rc = gep_run(c, a, [ranks](const service::SumJob& j) { return spread(j, ranks); });
  Out stop;
  stop.put(Job::kStop);
  broadcast(stop);
  return rc;
}

}  // namespace
}  // namespace shanshui::app

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, ranks = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  int rc = 1;
  try {
    rc = shanshui::app::run(argc, argv, rank, ranks);
  } catch (const std::exception& e) {
    std::cerr << "shanshui-gep-mpi (rank " << rank << "): " << e.what() << "\n";
    MPI_Abort(MPI_COMM_WORLD, 1);  // the other ranks wait in a collective: end them all
  }
  MPI_Finalize();
  return rc;
}
