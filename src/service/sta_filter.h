// sta_filter.h: the $filter of the OGC SensorThings API v1.1 (OGC 18-088, §9.3.3.5: the OData
// expression subset it names) — parsed once, then evaluated against each entity through a resolver
// of property paths ("result", "phenomenonTime", "Datastream/id", "properties/licence"). Pure: no
// store, no HTTP; the SensorThings routes (issue 15) filter their entities with it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace shanshui::service::sta {

/// A value in a filter: null, a boolean, a number (Edm.Double), a text, or a point in time (ms
/// since 1970-01-01T00:00:00Z, with the UTC offset in minutes it was written with).
struct Value {
  enum class Kind { null, boolean, number, text, time };
  Kind kind = Kind::null;
  bool boolean = false;
  double number = 0;
  std::string text;
  int64_t ms = 0;
  int offset = 0;
  static Value of(bool b) { return {Kind::boolean, b, 0, {}, 0, 0}; }
  static Value of(double n) { return {Kind::number, false, n, {}, 0, 0}; }
  static Value of(std::string s) { return {Kind::text, false, 0, std::move(s), 0, 0}; }
  static Value time(int64_t ms, int offset_minutes) { return {Kind::time, false, 0, {}, ms, offset_minutes}; }
};

/// ISO 8601 date-time with "Z" or ±hh:mm ("2026-03-01T08:00:00+08:00", fractions allowed), or a
/// date ("2026-03-01", midnight UTC) → a time value; an error names what is wrong.
Result<Value> parse_time(std::string_view iso);

/// How two values order (-1, 0, 1), or nullopt when they cannot be compared (different kinds; a
/// text compared with a time is read as a time). What $filter's comparisons and $orderby use.
std::optional<int> compare(const Value& a, const Value& b);

/// The value of a property path of the entity being filtered (null when it has none).
using Resolver = std::function<Value(std::string_view path)>;

struct Node;

/// A parsed $filter. Operators: eq ne gt ge lt le, and or not, add sub mul div mod, unary minus,
/// parentheses. Functions: substringof startswith endswith length indexof substring tolower
/// toupper trim concat; year month day hour minute second fractionalseconds date time
/// totaloffsetminutes now mindatetime maxdatetime; round floor ceiling. Geospatial functions
/// (st_…, geo.…) are refused by name. Literals: numbers, 'text' ('' for a quote), true, false,
/// null, date-times and dates.
class Filter {
 public:
  /// Parses the expression; an error names the position (1-based character) and what was expected.
  static Result<Filter> parse(std::string_view text);
  /// Whether the entity passes: comparisons between values of different kinds, or with a null
  /// (other than eq/ne null), are false, as OData's. Errors only for a type no operator takes
  /// (such as `'a' add 1`), naming the operator.
  Result<bool> matches(const Resolver& resolve) const;
  /// The property paths the filter reads, for resolvers that fetch only what is needed.
  const std::vector<std::string>& paths() const { return paths_; }

  /// One comparison of a property with a literal, as it stands in the filter's top-level `and`
  /// chain ("phenomenonTime ge 2026-01-01T00:00:00Z"; a literal on the left is turned round).
  struct Comparison {
    std::string path;
    std::string op;  // eq ne gt ge lt le
    Value value;
  };
  /// The comparisons the filter's top level joins by `and`, which any matching entity satisfies:
  /// a store reads an index range from them. `complete` is true when they are the whole filter
  /// (nothing else to evaluate), so the range is the answer.
  struct Conjuncts {
    std::vector<Comparison> comparisons;
    bool complete = true;
  };
  Conjuncts conjuncts() const;

 private:
  std::shared_ptr<const Node> root_;
  std::vector<std::string> paths_;
};

}  // namespace shanshui::service::sta
