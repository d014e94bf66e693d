// sta_service.h: the OGC SensorThings API v1.1, read part (OGC 18-088), over the store — the
// county's stations as Things with their Locations, HistoricalLocations, Sensors (data loggers) and
// FeaturesOfInterest; each station × factor × CN × kind with values as a Datastream of an
// ObservedProperty (the factor); each stored value as an Observation. What a reader sees follows
// the sharing table (sta_sharing.h). docs/exchange.md maps the model and lists what is left out.
#pragma once

#include <map>
#include <string>

#include "service/sta_sharing.h"
#include "store/store.h"

namespace shanshui::service::sta {

struct StaRequest {
  std::string path;                           // after the service root: "Things('X')/Datastreams", "" for the root
  std::map<std::string, std::string> params;  // the query options, decoded
  std::string root;                           // the service root's absolute URL, for links
  Audience who;
  const Sharing* sharing = nullptr;
  std::string database;  // names the store: one catalogue of series is kept per database
};

struct StaAnswer {
  int status = 200;  // 200, or 400 / 404 with `error`
  std::string body;  // JSON, or the raw value of a $value request
  std::string content_type = "application/json";
  std::string error;  // English; the HTTP layer translates it through the message catalogue
};

/// Answers one GET. Errors of the store are errors; what the client asked wrongly is a 400 or 404
/// in the answer.
Result<StaAnswer> answer(store::Store& store, const StaRequest& request);

/// The most observations one request may read from the store to apply a filter or an ordering the
/// index cannot serve (beyond it: 400, asking to narrow by phenomenonTime or Datastream).
constexpr int64_t kMaxScannedObservations = 200000;

/// The id of a series as a Datastream: "MN.factor.cn.kind".
std::string datastream_id(const store::SeriesKey& k);

}  // namespace shanshui::service::sta
