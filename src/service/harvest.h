// harvest.h: reading a neighbour's monitoring data over the OGC SensorThings API (or from an
// export file of the same JSON) into the partner tables — its Datastreams with their Things and
// places, and the Observations newer than the last one stored, following @iot.nextLink. The
// values are kept apart from the county's own observations, so no assessment counts them
// (docs/exchange.md). The transport is a callback: the CLI fetches over HTTP, tests may read files.
#pragma once

#include <functional>
#include <string>

#include "core/result.h"
#include "store/store.h"

namespace shanshui::service {

/// GETs an absolute URL and returns the body (an error names the URL and the HTTP status).
using Fetch = std::function<Result<std::string>(const std::string& url)>;

struct HarvestOptions {
  int page = 1000;                 // $top asked of the partner
  int64_t max_values = 5'000'000;  // per harvest: beyond it, stop (the next harvest goes on)
  int max_pages = 100'000;         // a partner whose next links never end is cut off
};

struct HarvestReport {
  store::HarvestResult stored;
  int64_t datastreams = 0, pages = 0;
  bool cut_short = false;  // a budget was reached; the next harvest continues from the last value
};

/// Harvests `partner` from its service root `root` (partner.source) through `fetch`.
Result<HarvestReport> harvest(store::Store& store, const store::Partner& partner, const std::string& root,
                              const Fetch& fetch, const HarvestOptions& options = {});

/// Harvests from an export file: one JSON document {"value": [Datastream, …]} whose Datastreams
/// carry their Thing (with Locations), ObservedProperty and Observations expanded — what
/// GET Datastreams?$expand=Thing($expand=Locations),ObservedProperty,Observations answers.
Result<HarvestReport> harvest_file(store::Store& store, const store::Partner& partner, const std::string& json_text);

}  // namespace shanshui::service
