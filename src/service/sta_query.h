// sta_query.h: the query options of the OGC SensorThings API v1.1 read part (OGC 18-088 §9.3.3:
// $top, $skip, $count, $orderby, $select, $filter; $expand is parsed and left to the caller) and
// one page of a collection with its @iot.count and @iot.nextLink. Pure: the SensorThings routes
// (issue 15) build the entities and hand them here.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"
#include "service/sta_filter.h"

namespace shanshui::service::sta {

struct Query;

/// One $expand item: a navigation property with its own options, "Observations($top=5;$orderby=
/// phenomenonTime desc)"; "Datastreams/Observations" is Datastreams($expand=Observations).
struct Expansion {
  std::string name;
  std::shared_ptr<const Query> query;
};

struct Query {
  int top = 100;  // the server's page when the client names none (§9.3.3.3)
  int skip = 0;
  bool count = false;
  std::vector<std::pair<std::string, bool>> orderby;  // (path, descending)
  std::vector<std::string> select;                    // "" = every property
  std::vector<Expansion> expand;                      // navigation properties to put inline
  std::optional<Filter> filter;
  std::map<std::string, std::string> options;  // the options as given, for the next page's link
};

/// Reads the query options of a request (name → value, already percent-decoded). Unknown options
/// starting with '$' are refused, naming them; $top above `max_top` is capped at it (§9.3.3.3: the
/// server may return fewer, with a next link). $expand nests at most `kMaxExpandDepth` levels.
Result<Query> parse_query(const std::map<std::string, std::string>& params, int max_top = 1000);
constexpr int kMaxExpandDepth = 3;

/// The value of a property path ("result", "Datastream/@iot.id", "properties/licence") of a JSON
/// entity, as a filter value (null when absent).
Value value_at(const nlohmann::json& entity, std::string_view path);

/// One page of a collection as §9.3.3 answers it: {"@iot.count"?, "@iot.nextLink"?, "value": [...]}.
/// The entities are filtered, ordered (stable: ties keep the collection's order), skipped, cut to
/// $top and narrowed to $select; the next link is `self` with $skip advanced and the other options
/// kept. `expand`, when given, puts the expansions into each entity of the page (before $select,
/// which keeps expanded properties). Errors from a filter an entity's values make impossible (an
/// operator's types) or from `expand`.
/// `resolve`, when given, reads a property path of an entity for $filter and $orderby (related
/// entities, intervals); by default value_at.
using Expander = std::function<Status(nlohmann::json& entity)>;
using PathResolver = std::function<Value(const nlohmann::json& entity, std::string_view path)>;
Result<nlohmann::json> page(const std::vector<nlohmann::json>& entities, const Query& q, const std::string& self,
                            const Expander& expand = {}, const PathResolver& resolve = {});

/// Whether `a` orders before `b` under $orderby (a null first when ascending, as OData orders).
bool ordered_before(const nlohmann::json& a, const nlohmann::json& b, const Query& q, const PathResolver& resolve);

/// The link to the next page: `self` with the query's options, $skip set to `skip`.
std::string next_link(const Query& q, const std::string& self, int64_t skip);

/// Narrows an entity to $select (expanded properties stay).
nlohmann::json narrowed(const nlohmann::json& entity, const Query& q);

}  // namespace shanshui::service::sta
