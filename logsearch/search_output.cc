#include "logsearch/search_output.h"

#include <charconv>

#include "logsearch/json_text.h"

namespace sup {

SearchOutput::SearchOutput(std::ostream& out, const GrepOptions& options)
    : out_(out), options_(options) {
  buffer_.reserve(kFlushBytes + 64 * 1024);
}

void SearchOutput::jsonHead(const StreamTally& tally) {
  buffer_ += "{\"process\":";
  appendJsonString(buffer_, tally.set->namespec);
  buffer_ += ",\"stream\":\"";
  buffer_ += logStreamName(tally.set->stream);
  buffer_ += '"';
}

void SearchOutput::line(const StreamTally& tally, const std::string& path, std::int64_t lineno,
                        bool is_match, const char* begin, const char* end) {
  char digits[24];
  auto number = [&](std::int64_t n) {
    auto r = std::to_chars(digits, digits + sizeof digits, n);
    buffer_.append(digits, r.ptr);
  };
  if (options_.json) {
    jsonHead(tally);
    buffer_ += ",\"file\":";
    appendJsonString(buffer_, path);
    buffer_ += ",\"line\":";
    number(lineno);
    buffer_ += is_match ? ",\"type\":\"match\",\"text\":" : ",\"type\":\"context\",\"text\":";
    appendJsonString(buffer_, std::string_view(begin, end - begin));
    buffer_ += "}\n";
  } else {
    const char sep = is_match ? ':' : '-';
    if (!options_.no_prefix) {
      buffer_ += tally.label;
      buffer_ += sep;
    }
    if (options_.with_filename) {
      buffer_ += path;
      buffer_ += sep;
    }
    if (options_.line_number) {
      number(lineno);
      buffer_ += sep;
    }
    buffer_.append(begin, end - begin);
    buffer_ += '\n';
  }
  maybeFlush();
}

void SearchOutput::separator() {
  if (!options_.json) buffer_ += "--\n";
}

void SearchOutput::count(const StreamTally& tally) {
  if (options_.json) {
    jsonHead(tally);
    buffer_ += ",\"count\":" + std::to_string(tally.selected) + "}\n";
  } else if (options_.no_prefix) {
    buffer_ += std::to_string(tally.selected) + "\n";
  } else {
    buffer_ += tally.label + ":" + std::to_string(tally.selected) + "\n";
  }
  maybeFlush();
}

void SearchOutput::listed(const StreamTally& tally) {
  if (options_.json) {
    jsonHead(tally);
    buffer_ += "}\n";
  } else {
    buffer_ += tally.label + "\n";
  }
  maybeFlush();
}

void SearchOutput::flush() {
  if (buffer_.empty()) return;
  out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  out_.flush();
  buffer_.clear();
}

}  // namespace sup
