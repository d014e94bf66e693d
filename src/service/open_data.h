// open_data.h: the open-data catalogue of the public portal — datasets anyone may download (CSV,
// xlsx, JSON), each with its licence and metadata: the plan's indicators with every annual value,
// and the last 30 days of the monitoring series the sharing table publishes (docs/portal.md).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/result.h"
#include "service/sta_sharing.h"
#include "service/tracking.h"
#include "store/store.h"

namespace shanshui::service {

struct OpenDataset {
  std::string id, title, title_en, description, description_en;
  std::string licence, licence_url, publisher, source, updated;
  std::vector<std::pair<std::string, std::string>> columns;  // (key, Chinese header)
  std::vector<std::vector<std::string>> rows;
};

/// The datasets' ids, in the catalogue's order.
const std::vector<std::string>& open_dataset_ids();

/// Every target of the plan with each annual value in force and its rating (the public's view).
OpenDataset indicators_dataset(const Tracking& t);
/// The published hourly averages (sharing table: granted to the public) of the `days` before `now`;
/// the metadata only (no rows read) when not `with_rows`.
Result<OpenDataset> monitoring_dataset(store::Store& store, const sta::Sharing& sharing, int64_t now_unix,
                                       int days = 30, bool with_rows = true);

/// CSV for Excel: a BOM, the Chinese headers, formulas neutralised.
std::string dataset_csv(const OpenDataset& d);
/// JSON: {"metadata": {...}, "columns": [{key, title}], "rows": [{key: value}]}; `with_rows` false
/// gives the catalogue entry (metadata and the row count only).
std::string dataset_json(const OpenDataset& d, bool with_rows = true);

}  // namespace shanshui::service
