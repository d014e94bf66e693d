// sta_sharing.h: which monitoring series are shared with whom over the SensorThings API, and
// under which licence (data/exchange/sharing.csv, docs/exchange.md). The county's own users read
// every series; a partner (a neighbouring county, role `partner`) reads what is granted to it
// and what is published; the public reads what is published.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "store/store.h"

namespace shanshui::service::sta {

/// Who asks: the county's own users, a partner (by its id), or the public.
struct Audience {
  enum class Kind { county, partner, public_ } kind = Kind::public_;
  std::string partner;  // for Kind::partner
  static Audience of(const std::optional<store::User>& user);
};

/// One row of the sharing table: these stations' series of these factors and CNs go to these
/// partners under this licence.
struct Grant {
  int line = 0;
  std::vector<std::string> partners;  // "public", "*" (every partner) or partner ids
  std::string stations;               // "*", "kind:air" or MNs separated by ';'
  std::vector<std::string> factors;   // empty: every factor
  std::vector<std::string> cns;       // empty: every CN
  std::string licence, licence_url, provider, owner;
  bool published() const;  // granted to the public
};

class Sharing {
 public:
  /// Reads the table (comment lines start with '#'); errors name file:line and the column.
  static Result<Sharing> parse(const std::string& text, const std::string& origin);
  static Result<Sharing> load(const std::string& path);

  /// The first grant under which `who` may read `series` of `station`, or nullptr. The county's
  /// own users read every series: for them this is the grant that says how it is shared, if any.
  const Grant* grant(const Audience& who, const store::Station& station, const store::SeriesKey& series) const;
  /// Whether `who` reads the series at all.
  bool visible(const Audience& who, const store::Station& station, const store::SeriesKey& series) const;
  /// The partners a series goes to ("public" first when published), for its properties.
  std::vector<std::string> shared_with(const store::Station& station, const store::SeriesKey& series) const;
  const std::vector<Grant>& grants() const { return grants_; }

 private:
  std::vector<Grant> grants_;
};

}  // namespace shanshui::service::sta
