#include "supervisord/rpc_support.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <memory>

#include "common/signal_names.h"

namespace sup::rpc {

namespace {

void incorrect(const RpcReply& reply) {
  reply.fault(proto::Fault::kIncorrectParameters);
}

std::optional<std::int64_t> decimal(const std::string& text) {
  std::size_t b = text.find_first_not_of(" \t\n");
  std::size_t e = text.find_last_not_of(" \t\n");
  if (b == std::string::npos) return std::nullopt;
  const char* first = text.data() + b;
  const char* last = text.data() + e + 1;
  if (*first == '+') ++first;
  std::int64_t v = 0;
  auto [ptr, ec] = std::from_chars(first, last, v);
  if (ec != std::errc() || ptr != last) return std::nullopt;
  return v;
}

}  // namespace

bool arity(const json& params, std::size_t min, std::size_t max, const RpcReply& reply) {
  if (!params.is_array() || params.size() < min || params.size() > max) {
    incorrect(reply);
    return false;
  }
  return true;
}

std::optional<std::string> stringParam(const json& params, std::size_t i, const RpcReply& reply) {
  if (i < params.size() && params[i].is_string()) return params[i].get<std::string>();
  incorrect(reply);
  return std::nullopt;
}

std::optional<std::int64_t> intParam(const json& params, std::size_t i, const RpcReply& reply) {
  if (i < params.size()) {
    const json& v = params[i];
    if (v.is_number_integer()) return v.get<std::int64_t>();
    if (v.is_number_float()) {
      if (auto n = proto::wholeInt64(v.get<double>())) return n;
    }
    if (v.is_string()) {
      if (auto n = decimal(v.get<std::string>())) return n;
    }
  }
  incorrect(reply);
  return std::nullopt;
}

std::optional<bool> boolParam(const json& params, std::size_t i, bool fallback,
                              const RpcReply& reply) {
  if (i >= params.size()) return fallback;
  const json& v = params[i];
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number_integer()) return v.get<std::int64_t>() != 0;
  incorrect(reply);
  return std::nullopt;
}

std::optional<int> signalParam(const json& value) {
  if (value.is_number_integer()) {
    auto n = value.get<std::int64_t>();
    if (n < 1 || n > 1024) return std::nullopt;
    return parseSignal(std::to_string(n));
  }
  if (value.is_string()) return parseSignal(value.get<std::string>());
  return std::nullopt;
}

std::string paramText(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  return value.dump();
}

std::string pyStr(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "True" : "False";
  if (value.is_null()) return "None";
  if (value.is_number_float()) {
    std::string s = value.dump();
    // Python writes a float with a '.' or an exponent: 2.0, not 2.
    if (s.find_first_of(".eE") == std::string::npos) s += ".0";
    return s;
  }
  return value.dump();
}

void replyOp(const RpcReply& reply, const proto::CallResult& result) {
  if (result.fault() == proto::Fault::kSuccess) {
    reply.ok(true);
  } else {
    // The core's description is already Supervisor's fault string.
    reply.error(result.status, result.description);
  }
}

std::optional<Target> findTarget(const Supervisor& sup, const std::string& name,
                                 const RpcReply& reply) {
  auto ids = sup.resolve(name);
  if (!ids) {
    reply.fault(proto::Fault::kBadName, name);
    return std::nullopt;
  }
  auto [group, process] = proto::splitNamespec(name);
  if (!process) return Target{std::move(group), std::nullopt};
  return Target{std::move(group), std::move(ids->front())};
}

std::optional<NamedProcess> singleProcessParam(const Supervisor& sup, const json& params,
                                               const RpcReply& reply) {
  if (!arity(params, 1, 1, reply)) return std::nullopt;
  auto name = stringParam(params, 0, reply);
  if (!name) return std::nullopt;
  auto target = findTarget(sup, *name, reply);
  if (!target) return std::nullopt;
  if (!target->process) {
    reply.fault(proto::Fault::kBadName, *name);
    return std::nullopt;
  }
  return NamedProcess{*name, *target->process};
}

std::vector<ProcessId> allByPriority(const Supervisor& sup) {
  std::vector<ProcessId> out;
  for (const auto& group : sup.groupNames()) {
    std::vector<std::pair<int, ProcessId>> members;
    for (const auto& id : sup.groupProcesses(group)) {
      const ProcessConfig* pc = sup.processConfig(id);
      members.emplace_back(pc ? pc->priority : 999, id);
    }
    std::stable_sort(members.begin(), members.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& m : members) out.push_back(std::move(m.second));
  }
  return out;
}

std::string lastBytes(const std::string& path, std::int64_t backlog) {
  std::string out;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return out;
  struct stat st {};
  if (::fstat(fd, &st) == 0 && backlog > 0) {
    std::int64_t start = st.st_size > backlog ? st.st_size - backlog : 0;
    out.resize(static_cast<size_t>(st.st_size - start));
    ssize_t n = ::pread(fd, out.data(), out.size(), start);
    out.resize(n > 0 ? static_cast<size_t>(n) : 0);
  }
  ::close(fd);
  return out;
}

bool fileExists(const std::string& path) {
  struct stat st;
  return !path.empty() && ::stat(path.c_str(), &st) == 0;
}

namespace {

struct FileCloser {
  void operator()(std::FILE* f) const {
    if (f) std::fclose(f);
  }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

std::optional<std::int64_t> fileSize(std::FILE* f) {
  if (std::fseek(f, 0, SEEK_END) != 0) return std::nullopt;
  long sz = std::ftell(f);
  if (sz < 0) return std::nullopt;
  return sz;
}

// Read up to `length` bytes at `offset`; length < 0 reads to the end.
std::optional<std::string> readAt(std::FILE* f, std::int64_t offset, std::int64_t length) {
  if (std::fseek(f, static_cast<long>(offset), SEEK_SET) != 0) return std::nullopt;
  std::string data;
  char buf[65536];
  while (length < 0 || static_cast<std::int64_t>(data.size()) < length) {
    std::size_t want = sizeof buf;
    if (length >= 0)
      want = std::min<std::size_t>(want, static_cast<std::size_t>(length) - data.size());
    std::size_t n = std::fread(buf, 1, want, f);
    data.append(buf, n);
    if (n < want) {
      if (std::ferror(f)) return std::nullopt;
      break;
    }
  }
  return data;
}

}  // namespace

void replyReadFile(const RpcReply& reply, const std::string& path, std::int64_t offset,
                   std::int64_t length) {
  File f(std::fopen(path.c_str(), "rb"));
  if (!f) return reply.fault(proto::Fault::kFailed);
  std::optional<std::string> data;
  if (offset < 0) {
    // A negative offset reads the last -offset bytes; no length allowed then.
    if (length != 0) return reply.fault(proto::Fault::kBadArguments);
    auto sz = fileSize(f.get());
    if (!sz) return reply.fault(proto::Fault::kFailed);
    std::int64_t pos = std::max<std::int64_t>(0, *sz + offset);
    data = readAt(f.get(), pos, -offset);
  } else {
    if (length < 0) return reply.fault(proto::Fault::kBadArguments);
    data = readAt(f.get(), offset, length == 0 ? -1 : length);
  }
  if (!data) return reply.fault(proto::Fault::kFailed);
  reply.ok(std::move(*data));
}

json tailFile(const std::string& path, std::int64_t offset, std::int64_t length) {
  File f(std::fopen(path.c_str(), "rb"));
  std::optional<std::int64_t> sz;
  if (f) sz = fileSize(f.get());
  if (!sz) return json::array({"", offset, false});
  bool overflow = false;
  if (*sz > offset + length) {
    overflow = true;
    offset = *sz - 1;
  }
  if (offset + length > *sz) {
    if (offset > *sz - 1) length = 0;
    offset = *sz - length;
  }
  if (offset < 0) offset = 0;
  if (length < 0) length = 0;
  std::string data;
  if (length > 0) {
    auto got = readAt(f.get(), offset, length);
    if (!got) return json::array({"", offset, false});
    data = std::move(*got);
  }
  return json::array({std::move(data), *sz, overflow});
}

}  // namespace sup::rpc
