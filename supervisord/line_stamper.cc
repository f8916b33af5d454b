#include "supervisord/line_stamper.h"

#include <cstring>

namespace sup {
namespace {

// Days since 1970-01-01 to a civil date (H. Hinnant's days_from_civil,
// inverted): no time zone database, no libc call, for any year.
void civilFromDays(long long z, long long& y, unsigned& m, unsigned& d) {
  z += 719468;
  const long long era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<long long>(yoe) + era * 400 + (m <= 2);
}

void two(char* p, unsigned v) {
  p[0] = static_cast<char>('0' + v / 10 % 10);
  p[1] = static_cast<char>('0' + v % 10);
}

}  // namespace

std::string_view StampFormat::format(const WallTime& t) {
  if (t.sec != sec_ || t.utc_offset != offset_) {
    sec_ = t.sec;
    offset_ = t.utc_offset;
    long long local = t.sec + t.utc_offset;
    long long days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
    long long secs = local - days * 86400;
    long long year;
    unsigned month, day;
    civilFromDays(days, year, month, day);
    unsigned y = static_cast<unsigned>(year < 0 ? 0 : year > 9999 ? 9999 : year);
    two(text_, y / 100);
    two(text_ + 2, y % 100);
    text_[4] = '-';
    two(text_ + 5, month);
    text_[7] = '-';
    two(text_ + 8, day);
    text_[10] = 'T';
    two(text_ + 11, static_cast<unsigned>(secs / 3600));
    text_[13] = ':';
    two(text_ + 14, static_cast<unsigned>(secs / 60 % 60));
    text_[16] = ':';
    two(text_ + 17, static_cast<unsigned>(secs % 60));
    text_[19] = '.';
    int off = t.utc_offset;
    text_[23] = off < 0 ? '-' : '+';
    if (off < 0) off = -off;
    two(text_ + 24, static_cast<unsigned>(off / 3600));
    text_[26] = ':';
    two(text_ + 27, static_cast<unsigned>(off / 60 % 60));
    text_[29] = ' ';
  }
  unsigned ms = static_cast<unsigned>(t.ms < 0 ? 0 : t.ms > 999 ? 999 : t.ms);
  text_[20] = static_cast<char>('0' + ms / 100);
  two(text_ + 21, ms % 100);
  return std::string_view(text_, kSize);
}

LineStamper::Stamped LineStamper::stamp(std::string_view data, std::string_view stamp, char* out,
                                        std::size_t cap) {
  // Raw copies into a buffer that is reused for every read: two memcpy and
  // one memchr per line, nothing allocated (at 100-byte lines a GiB is
  // ten million lines).
  const char* in = data.data();
  const char* end = in + data.size();
  char* o = out;
  char* limit = out + cap;
  while (in < end) {
    if (at_line_start_) {
      if (static_cast<std::size_t>(limit - o) < stamp.size()) break;
      std::memcpy(o, stamp.data(), stamp.size());
      o += stamp.size();
      at_line_start_ = false;
    }
    const void* nl = std::memchr(in, '\n', static_cast<std::size_t>(end - in));
    const char* line_end = nl ? static_cast<const char*>(nl) + 1 : end;
    std::size_t n = static_cast<std::size_t>(line_end - in);
    std::size_t room = static_cast<std::size_t>(limit - o);
    if (n > room) n = room;
    if (n == 0) break;
    std::memcpy(o, in, n);
    o += n;
    in += n;
    if (nl && in == line_end) at_line_start_ = true;
  }
  return {static_cast<std::size_t>(in - data.data()), static_cast<std::size_t>(o - out)};
}

void LineStamper::stamp(std::string_view data, std::string_view stamp, std::string& out) {
  char buf[64];
  while (!data.empty()) {
    Stamped r = this->stamp(data, stamp, buf, sizeof buf);
    out.append(buf, r.written);
    data.remove_prefix(r.used);
  }
}

}  // namespace sup
