// sta_request_fuzz.cpp: libFuzzer target for what else a stranger sends the SensorThings API —
// the resource path after /api/sta/v1.1/ and the query options ($expand with nested options,
// $orderby, $select, $top …). The first line of the input is the path, each further line one
// "name=value" option. Any input either parses or is refused with a message, without running out
// of stack (nested $expand) or memory; checked besides no crash under ASan/UBSan.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

#include "service/sta_path.h"
#include "service/sta_query.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace shanshui::service::sta;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  size_t nl = in.find('\n');
  auto path = parse_path(in.substr(0, nl));
  if (!path && path.error().message.empty()) std::abort();
  std::map<std::string, std::string> params;
  for (size_t at = nl; at != std::string_view::npos && at < in.size();) {
    size_t next = in.find('\n', at + 1);
    std::string_view line = in.substr(at + 1, next == std::string_view::npos ? std::string_view::npos : next - at - 1);
    size_t eq = line.find('=');
    params[std::string(line.substr(0, eq))] = eq == std::string_view::npos ? "" : std::string(line.substr(eq + 1));
    at = next;
  }
  auto q = parse_query(params);
  if (!q && q.error().message.empty()) std::abort();
  return 0;
}
