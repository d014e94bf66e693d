// sta_path.h: the resource path of the OGC SensorThings API v1.1 (OGC 18-088 §9.2: an entity
// set, an entity by id, navigation from an entity, a property and its $value, $ref) — parsed
// from what follows the service root ("Things('WS500237A0001')/Datastreams"). Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace shanshui::service::sta {

struct Segment {
  std::string name;               // an entity set or a navigation property ("Things", "Datastream")
  std::optional<std::string> id;  // Things('x') → "x"; Observations(42) → "42"
};

struct ResourcePath {
  std::vector<Segment> segments;  // the first names an entity set; later ones navigate
  std::string property;           // a property of the entity reached ("name"), "" for the entity
  bool value = false;             // …/property/$value: the property's raw value
  bool ref = false;               // …/$ref: links only
};

/// The entity sets of the read part (§8.2), in the order the service root lists them.
const std::vector<std::string>& entity_sets();

/// Parses a path after the service root; "" is the root itself (no segments). Errors name the
/// segment and what is wrong: an unknown entity set, an id not quoted or not a whole number, an
/// unclosed parenthesis, more than 8 segments.
Result<ResourcePath> parse_path(std::string_view path);

}  // namespace shanshui::service::sta
