#include "common/process_info_reader.h"

#include <cstdint>
#include <limits>
#include <string>

namespace sup::proto {
namespace {

// A strict cursor over the line. Every method returns false on anything the
// fast path does not handle; the caller then gives up on the whole line.
class Reader {
 public:
  explicit Reader(std::string_view s) : p_(s.data()), end_(s.data() + s.size()) {}

  void skipSpace() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\r' || *p_ == '\n')) ++p_;
  }
  bool atEnd() {
    skipSpace();
    return p_ == end_;
  }
  bool consume(char c) {
    skipSpace();
    if (p_ == end_ || *p_ != c) return false;
    ++p_;
    return true;
  }
  bool peek(char c) {
    skipSpace();
    return p_ < end_ && *p_ == c;
  }

  // A string of printable ASCII with the escapes \" \\ \/ \b \f \n \r \t.
  bool string(std::string& out) {
    if (!consume('"')) return false;
    out.clear();
    const char* run = p_;
    while (p_ < end_) {
      unsigned char c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        out.append(run, static_cast<size_t>(p_ - run));
        ++p_;
        return true;
      }
      if (c < 0x20 || c >= 0x80) return false;  // control byte or UTF-8: general path
      if (c != '\\') {
        ++p_;
        continue;
      }
      out.append(run, static_cast<size_t>(p_ - run));
      if (++p_ == end_) return false;
      switch (*p_) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        default: return false;  // \uXXXX: general path
      }
      run = ++p_;
    }
    return false;
  }

  // A JSON integer (no fraction, no exponent) within [lo, hi].
  bool integer(std::int64_t lo, std::int64_t hi, std::int64_t& out) {
    skipSpace();
    bool negative = p_ < end_ && *p_ == '-';
    if (negative) ++p_;
    if (p_ == end_ || *p_ < '0' || *p_ > '9') return false;
    if (*p_ == '0' && p_ + 1 < end_ && p_[1] >= '0' && p_[1] <= '9') return false;  // 01
    std::uint64_t v = 0;
    int digits = 0;
    while (p_ < end_ && *p_ >= '0' && *p_ <= '9') {
      if (++digits > 18) return false;  // beyond what the fields hold: general path
      v = v * 10 + static_cast<std::uint64_t>(*p_ - '0');
      ++p_;
    }
    if (p_ < end_ && (*p_ == '.' || *p_ == 'e' || *p_ == 'E')) return false;
    std::int64_t s = negative ? -static_cast<std::int64_t>(v) : static_cast<std::int64_t>(v);
    if (s < lo || s > hi) return false;
    out = s;
    return true;
  }

  bool intField(int& out) {
    std::int64_t v = 0;
    if (!integer(std::numeric_limits<int>::min(), std::numeric_limits<int>::max(), v)) return false;
    out = static_cast<int>(v);
    return true;
  }
  bool int64Field(std::int64_t& out) {
    return integer(std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max(),
                   out);
  }

 private:
  const char* p_;
  const char* end_;
};

// ["a","b"]: waiting_for (ours, docs/dependencies.md).
bool readStrings(Reader& r, std::vector<std::string>& out) {
  out.clear();
  if (!r.consume('[')) return false;
  if (r.consume(']')) return true;
  do {
    out.emplace_back();
    if (!r.string(out.back())) return false;
  } while (r.consume(','));
  return r.consume(']');
}

bool readProcessInfo(Reader& r, proto::ProcessInfo& info, std::string& key) {
  if (!r.consume('{')) return false;
  bool has_statename = false;
  if (!r.peek('}')) {
    do {
      if (!r.string(key) || !r.consume(':')) return false;
      bool ok;
      if (key == "name") ok = r.string(info.name);
      else if (key == "group") ok = r.string(info.group);
      else if (key == "start") ok = r.int64Field(info.start);
      else if (key == "stop") ok = r.int64Field(info.stop);
      else if (key == "now") ok = r.int64Field(info.now);
      else if (key == "state") ok = r.intField(info.state);
      else if (key == "statename") ok = has_statename = r.string(info.statename);
      else if (key == "spawnerr") ok = r.string(info.spawnerr);
      else if (key == "exitstatus") ok = r.intField(info.exitstatus);
      else if (key == "logfile") ok = r.string(info.logfile);
      else if (key == "stdout_logfile") ok = r.string(info.stdout_logfile);
      else if (key == "stderr_logfile") ok = r.string(info.stderr_logfile);
      else if (key == "pid") ok = r.intField(info.pid);
      else if (key == "description") ok = r.string(info.description);
      else if (key == "awaiting_ready") ok = r.string(info.awaiting_ready);
      else if (key == "waiting_for") ok = readStrings(r, info.waiting_for);
      else ok = false;  // a field we do not know: general path
      if (!ok) return false;
    } while (r.consume(','));
  }
  if (!r.consume('}')) return false;
  if (!has_statename) info.statename = std::string(proto::processStateName(info.state));
  return true;
}

}  // namespace

bool decodeProcessInfoReply(std::string_view line, long expected_id,
                            std::vector<proto::ProcessInfo>& out) {
  Reader r(line);
  std::string key;
  std::string scratch;
  bool has_version = false, has_id = false, has_result = false;
  out.clear();
  if (!r.consume('{')) return false;
  do {
    if (!r.string(key) || !r.consume(':')) return false;
    if (key == "jsonrpc" && !has_version) {
      if (!r.string(scratch)) return false;
      has_version = true;
    } else if (key == "id" && !has_id) {
      std::int64_t id = 0;
      if (!r.int64Field(id) || id != expected_id) return false;
      has_id = true;
    } else if (key == "result" && !has_result) {
      if (!r.consume('[')) return false;
      if (!r.peek(']')) {
        do {
          out.emplace_back();
          if (!readProcessInfo(r, out.back(), key)) return false;
        } while (r.consume(','));
      }
      if (!r.consume(']')) return false;
      has_result = true;
    } else {
      return false;  // "error", a repeated key, anything else: general path
    }
  } while (r.consume(','));
  if (!r.consume('}') || !r.atEnd()) return false;
  return has_id && has_result;
}

}  // namespace sup::proto
