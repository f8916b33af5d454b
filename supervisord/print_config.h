// supervisord --print-config: parse, expand and validate without starting
// anything; print the effective config as JSON (the corpus schema) or the
// error exactly as supervisord would.
#pragma once

#include <string>

#include "common/config_parser.h"

namespace sup {

/// Prints JSON to stdout and returns 0, or prints "Error: ..." (and the
/// "For help, use ..." line) to stderr and returns 2. Skips filesystem and
/// user-database checks, as the corpus oracle does.
int printConfigMain(const std::string& config_path, const ParseOptions& opts,
                    const std::string& argv0);

}  // namespace sup
