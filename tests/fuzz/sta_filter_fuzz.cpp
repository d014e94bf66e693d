// sta_filter_fuzz.cpp: libFuzzer target for the SensorThings $filter, which strangers will send
// the public API: any text either parses or is refused with a message, and a parsed filter
// evaluates (or refuses an operator's types) against an entity whose properties are of every kind,
// without running out of stack. Invariant checked besides no crash under ASan/UBSan: a refusal
// always says what it refuses ("$filter: …", or a date-time's own words).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "service/sta_filter.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace shanshui::service::sta;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto f = Filter::parse(in);
  if (!f) {
    if (f.error().message.empty()) std::abort();
    return 0;
  }
  // Every path gets a value of a kind chosen by its length: numbers, texts, times, booleans, nulls.
  auto resolve = [](std::string_view path) -> Value {
    switch (path.size() % 5) {
      case 0:
        return Value::of(static_cast<double>(path.size()) - 2.5);
      case 1:
        return Value::of(std::string(path));
      case 2:
        return Value::time(1772323200000 + static_cast<int64_t>(path.size()) * 3600000, 480);
      case 3:
        return Value::of(path.size() % 2 == 0);
      default:
        return Value{};
    }
  };
  auto r = f->matches(resolve);
  if (!r && r.error().message.empty()) std::abort();
  return 0;
}
