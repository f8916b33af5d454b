// A supervisord.conf in a temp dir of its own, loaded as the daemon loads
// one but without checking paths and users: the fixture of the tests of
// config keys (restart policies, dependencies, program logs).
#pragma once

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "common/config_json.h"
#include "common/config_parser.h"

namespace sup::test {

struct TempConfigFile {
  std::string dir;
  std::string path;
  /// The file is "[supervisord]\n" followed by `text`.
  explicit TempConfigFile(const std::string& text) {
    std::string tmpl = (std::filesystem::temp_directory_path() / "svconf-XXXXXX").string();
    dir = ::mkdtemp(tmpl.data());
    path = dir + "/sv.conf";
    std::ofstream(path, std::ios::binary) << "[supervisord]\n" << text;
  }
  ~TempConfigFile() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  TempConfigFile(const TempConfigFile&) = delete;
  TempConfigFile& operator=(const TempConfigFile&) = delete;
  ParseOptions options() const {
    ParseOptions o;
    o.cwd = dir;
    o.check_filesystem = false;
    o.check_users = false;
    return o;
  }
  Result<Config> load() const { return loadConfig(path, options()); }
  /// The error of a config that must not load.
  std::string error() const {
    auto c = load();
    REQUIRE_FALSE(c.ok());
    return c.error().message;
  }
};

/// One [program:web] running /bin/cat with `program_keys`, after `header`
/// (more of [supervisord], or other sections).
struct WebProgramConfig : TempConfigFile {
  explicit WebProgramConfig(const std::string& program_keys, const std::string& header = "")
      : TempConfigFile(header + "[program:web]\ncommand=/bin/cat\n" + program_keys) {}
  std::vector<ProcessConfig> processes() const {
    auto c = load();
    if (!c.ok()) FAIL(c.error().message);
    return c->groups.at(0).processes;
  }
  ProcessConfig web() const { return processes().at(0); }
  /// How an error in [program:web] ends.
  std::string suffix() const { return " in section 'program:web' (file: '" + path + "')"; }
  /// [program:web] as --print-config shows it.
  nlohmann::json json() const {
    return configToJson(parseConfigDetailed(path, options()))["groups"][0]["processes"][0];
  }
};

}  // namespace sup::test
