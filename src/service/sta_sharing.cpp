// sta_sharing.cpp: the sharing table of the SensorThings API (see sta_sharing.h).
#include "service/sta_sharing.h"

#include <algorithm>

#include "core/csv.h"
#include "core/file.h"
#include "core/text.h"

namespace shanshui::service::sta {
namespace {

// "a;b; c" → {"a", "b", "c"}: the tables' lists.
std::vector<std::string> list(const std::string& cell) { return text::split_any(cell, {";"}); }

bool contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

bool covers(const Grant& g, const store::Station& station, const store::SeriesKey& s) {
  if (g.stations != "*") {
    if (g.stations.rfind("kind:", 0) == 0) {
      if (station.kind != g.stations.substr(5)) return false;
    } else if (!contains(list(g.stations), station.mn)) {
      return false;
    }
  }
  if (!g.factors.empty() && !contains(g.factors, s.factor)) return false;
  if (!g.cns.empty() && !contains(g.cns, s.cn)) return false;
  return true;
}

bool granted_to(const Grant& g, const Audience& who) {
  if (g.published()) return true;
  return who.kind == Audience::Kind::partner && (contains(g.partners, "*") || contains(g.partners, who.partner));
}

}  // namespace

Audience Audience::of(const std::optional<store::User>& user) {
  if (!user) return {};
  if (user->role == "partner") return {Kind::partner, user->department};
  return {Kind::county, ""};
}

bool Grant::published() const { return contains(partners, "public"); }

Result<Sharing> Sharing::parse(const std::string& text, const std::string& origin) {
  auto t = parse_data_csv(text, origin,
                          {"partner", "stations", "factors", "cns", "licence", "licence_url", "provider", "owner"});
  SS_TRY(t);
  Sharing out;
  auto col = [&](const CsvRecord& r, const char* name) {
    int i = t->column(name);
    return i >= 0 && static_cast<size_t>(i) < r.fields.size() ? r.fields[static_cast<size_t>(i)] : std::string();
  };
  for (const auto& r : t->records) {
    Grant g;
    g.line = r.line;
    g.partners = list(col(r, "partner"));
    g.stations = col(r, "stations");
    std::string factors = col(r, "factors"), cns = col(r, "cns");
    if (factors != "*") g.factors = list(factors);
    if (cns != "*") g.cns = list(cns);
    g.licence = col(r, "licence");
    g.licence_url = col(r, "licence_url");
    g.provider = col(r, "provider");
    g.owner = col(r, "owner");
    auto where = origin + ":" + std::to_string(r.line) + ": ";
    if (g.partners.empty()) return fail(where + "partner: 'public', '*' or partner ids separated by ';'");
    if (g.stations.empty() || (g.stations != "*" && g.stations.rfind("kind:", 0) != 0 && list(g.stations).empty()))
      return fail(where + "stations: '*', 'kind:air' or station MNs separated by ';'");
    if (g.stations.rfind("kind:", 0) == 0) {
      std::string kind = g.stations.substr(5);
      if (kind != "air" && kind != "water" && kind != "noise" && kind != "source")
        return fail(where + "stations: kind '" + kind + "' is not air, water, noise or source");
    }
    if (factors.empty() || cns.empty()) return fail(where + "factors and cns: '*' or codes separated by ';'");
    if (g.licence.empty()) return fail(where + "licence: every shared series names its licence");
    if (g.provider.empty() || g.owner.empty()) return fail(where + "provider and owner: who supplies and who owns");
    out.grants_.push_back(std::move(g));
  }
  return out;
}

Result<Sharing> Sharing::load(const std::string& path) {
  auto text = read_file(path);
  SS_TRY(text);
  return parse(*text, path.substr(path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1));
}

const Grant* Sharing::grant(const Audience& who, const store::Station& station, const store::SeriesKey& s) const {
  for (const auto& g : grants_)
    if (covers(g, station, s) && (who.kind == Audience::Kind::county || granted_to(g, who))) return &g;
  return nullptr;
}

bool Sharing::visible(const Audience& who, const store::Station& station, const store::SeriesKey& s) const {
  return who.kind == Audience::Kind::county || grant(who, station, s) != nullptr;
}

std::vector<std::string> Sharing::shared_with(const store::Station& station, const store::SeriesKey& s) const {
  std::vector<std::string> out;
  for (const auto& g : grants_)
    if (covers(g, station, s))
      for (const auto& p : g.partners)
        if (!contains(out, p)) out.push_back(p);
  std::stable_partition(out.begin(), out.end(), [](const std::string& p) { return p == "public"; });
  return out;
}

}  // namespace shanshui::service::sta
