// [inet_http_server], [unix_http_server] and [rpcinterface:x], plus the
// saneget() helper every section reader shares.
#include <algorithm>
#include <cctype>

#include "common/config_parse_context.h"
#include "common/py_text.h"

namespace sup::detail {

std::optional<std::string> ParseContext::raw(std::string_view section, std::string_view option,
                                             std::optional<std::string> dflt) const {
  if (auto v = ini.get(section, option)) return v;
  return dflt;
}

Result<std::optional<std::string>> ParseContext::get(std::string_view section,
                                                     std::string_view option,
                                                     std::optional<std::string> dflt,
                                                     const FormatNames& extra) const {
  std::optional<std::string> value = raw(section, option, std::move(dflt));
  if (!value) return std::optional<std::string>();
  // Nothing to expand: skip copying the ENV_* names (the copy per option
  // was ~2/3 of a 200-program daemon's start-up instructions).
  if (value->find('%') == std::string::npos) return value;
  FormatNames combined = environ_expansions;
  for (const auto& kv : extra) combined[kv.first] = kv.second;
  std::string what = std::string(section) + "." + std::string(option);
  auto expanded = expandFormat(*value, combined, what);
  if (!expanded.ok()) return expanded.error();
  return std::optional<std::string>(std::move(*expanded));
}

std::string normalize(const ParseContext& ctx, std::string_view path) {
  return cv::normalizePath(path, ctx.env);
}

bool importSpecResolves(std::string_view spec, std::string* syntax_error) {
  // pkg_resources.EntryPoint.parse("x=" + spec): module is [\w.]+, then an
  // optional ":attr" ([\w.]+), optional "[extras]", whitespace around.
  std::string s = py::strip(spec);
  auto word = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' ||
           static_cast<unsigned char>(c) >= 0x80;
  };
  size_t i = 0;
  while (i < s.size() && word(s[i])) ++i;
  std::string module = s.substr(0, i);
  std::string attr;
  size_t j = i;
  while (j < s.size() && std::isspace(static_cast<unsigned char>(s[j]))) ++j;
  bool ok = !module.empty();
  if (ok && j < s.size() && s[j] == ':') {
    ++j;
    while (j < s.size() && std::isspace(static_cast<unsigned char>(s[j]))) ++j;
    size_t a = j;
    while (j < s.size() && word(s[j])) ++j;
    attr = s.substr(a, j - a);
    ok = !attr.empty();
    while (j < s.size() && std::isspace(static_cast<unsigned char>(s[j]))) ++j;
  }
  if (ok && j < s.size()) ok = s[j] == '[' && s.back() == ']';
  if (!ok) {
    *syntax_error = "(\"EntryPoint must be in 'name=module:attrs [extras]' format\", " +
                    py::repr("x=" + std::string(spec)) + ")";
    return false;
  }
  syntax_error->clear();
  if (module != "supervisor" && module.rfind("supervisor.", 0) != 0) return true;
  // Only supervisor's own plugins are really imported; these are the ones
  // that exist and that this implementation provides.
  static const char* const kKnown[] = {"supervisor.rpcinterface:make_main_rpcinterface",
                                       "supervisor.dispatchers:default_handler"};
  std::string full = attr.empty() ? module : module + ":" + attr;
  if (attr.empty()) {
    return module == "supervisor" || module == "supervisor.rpcinterface" ||
           module == "supervisor.dispatchers";
  }
  return std::any_of(std::begin(kKnown), std::end(kKnown),
                     [&](const char* k) { return full == k; });
}

namespace {

Result<std::pair<std::optional<std::string>, std::optional<std::string>>> credentials(
    const ParseContext& ctx, const std::string& section) {
  auto username = ctx.get(section, "username", std::nullopt);
  if (!username.ok()) return username.error();
  auto password = ctx.get(section, "password", std::nullopt);
  if (!password.ok()) return password.error();
  if (username->has_value() != password->has_value()) {
    return Error{"Section [" + section +
                 "] contains incomplete authentication: If a username or a password is "
                 "specified, both the username and password must be specified"};
  }
  return std::make_pair(*username, *password);
}

}  // namespace

Result<std::vector<ServerConfig>> serversFromParser(const ParseContext& ctx) {
  std::vector<ServerConfig> out;
  const std::vector<std::string> all = ctx.ini.sections();
  for (const std::string& section : all) {
    if (section.rfind("inet_http_server", 0) != 0) continue;
    ServerConfig c;
    c.type = ServerConfig::Type::Inet;
    c.section = section;
    auto cred = credentials(ctx, section);
    if (!cred.ok()) return cred.error();
    c.username = cred->first;
    c.password = cred->second;
    auto port = ctx.get(section, "port", std::nullopt);
    if (!port.ok()) return port.error();
    if (!*port) return Error{"section [" + section + "] has no port value"};
    auto addr = cv::inetAddress(**port);
    if (!addr.ok()) return addr.error();
    c.host = addr->first;
    c.port = addr->second;
    out.push_back(std::move(c));
  }
  for (const std::string& section : all) {
    if (section.rfind("unix_http_server", 0) != 0) continue;
    ServerConfig c;
    c.type = ServerConfig::Type::Unix;
    c.section = section;
    auto file = ctx.get(section, "file", std::nullopt, {{"here", ctx.here}});
    if (!file.ok()) return file.error();
    if (!*file) return Error{"section [" + section + "] has no file value"};
    c.file = normalize(ctx, py::strip(**file));
    auto cred = credentials(ctx, section);
    if (!cred.ok()) return cred.error();
    c.username = cred->first;
    c.password = cred->second;
    auto chown = ctx.get(section, "chown", std::nullopt);
    if (!chown.ok()) return chown.error();
    if (*chown) {
      auto ug = cv::userGroup(**chown, ctx.env);
      if (!ug.ok()) return Error{"Invalid sockchown value " + **chown};
      c.chown = *ug;
    }
    auto chmod = ctx.get(section, "chmod", std::nullopt);
    if (!chmod.ok()) return chmod.error();
    if (*chmod) {
      auto mode = cv::octal(**chmod);
      if (!mode.ok()) return Error{"Invalid chmod value " + **chmod};
      c.chmod = *mode;
    }
    out.push_back(std::move(c));
  }
  return out;
}

Result<std::vector<RpcInterfaceConfig>> rpcInterfacesFromParser(const ParseContext& ctx) {
  static const std::string kFactoryKey = "supervisor.rpcinterface_factory";
  std::vector<RpcInterfaceConfig> out;
  for (const std::string& section : ctx.ini.sections()) {
    if (section.rfind("rpcinterface:", 0) != 0) continue;
    RpcInterfaceConfig r;
    r.name = section.substr(section.find(':') + 1);
    auto factory = ctx.get(section, kFactoryKey, std::nullopt);
    if (!factory.ok()) return factory.error();
    if (!*factory) return Error{"section [" + section + "] does not specify a " + kFactoryKey};
    std::string syntax_error;
    if (!importSpecResolves(**factory, &syntax_error)) {
      if (!syntax_error.empty()) return Error{syntax_error};
      return Error{**factory + " cannot be resolved within [" + section + "]"};
    }
    r.factory = **factory;
    for (const std::string& key : ctx.ini.options(section)) {
      if (key == kFactoryKey) continue;
      auto v = ctx.get(section, key, std::nullopt);
      if (!v.ok()) return v.error();
      r.extras[key] = **v;
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace sup::detail
