// The inverse of config_json.h for one process and one group header: a
// ProcessConfig / GroupConfig (without processes) back from the corpus JSON
// schema. The re-exec hand-over carries each program's config in that
// schema, and the new image reads it back to stop, as the old config says,
// a program whose config has changed or gone. Keys it does not know are
// ignored; a missing or mistyped key is an error naming it.
#pragma once

#include <nlohmann/json.hpp>

#include "common/config_model.h"
#include "common/result.h"

namespace sup {

Result<ProcessConfig> processConfigFromJson(const nlohmann::json& j);
Result<GroupConfig> groupHeaderFromJson(const nlohmann::json& j);

}  // namespace sup
