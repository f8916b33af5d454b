#include "supervisord/xmlrpc_decode.h"

#include <expat.h>

#include <charconv>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "supervisord/base64.h"
#include "supervisord/xmlrpc_encode.h"

namespace sup::xmlrpc {
namespace {

using proto::json;

enum class Tag {
  kMethodCall,
  kMethodName,
  kParams,
  kParam,
  kValue,
  kInt,
  kBoolean,
  kString,
  kDouble,
  kDateTime,
  kBase64,
  kNil,
  kArray,
  kData,
  kStruct,
  kMember,
  kName,
};

struct TagName {
  const char* name;
  Tag tag;
};
constexpr TagName kTags[] = {
    {"methodCall", Tag::kMethodCall},
    {"methodName", Tag::kMethodName},
    {"params", Tag::kParams},
    {"param", Tag::kParam},
    {"value", Tag::kValue},
    {"int", Tag::kInt},
    {"i4", Tag::kInt},
    {"i8", Tag::kInt},
    {"boolean", Tag::kBoolean},
    {"string", Tag::kString},
    {"double", Tag::kDouble},
    {"dateTime.iso8601", Tag::kDateTime},
    {"base64", Tag::kBase64},
    {"nil", Tag::kNil},
    {"array", Tag::kArray},
    {"data", Tag::kData},
    {"struct", Tag::kStruct},
    {"member", Tag::kMember},
    {"name", Tag::kName},
};

bool isScalar(Tag t) {
  switch (t) {
    case Tag::kInt:
    case Tag::kBoolean:
    case Tag::kString:
    case Tag::kDouble:
    case Tag::kDateTime:
    case Tag::kBase64:
    case Tag::kNil:
      return true;
    default:
      return false;
  }
}

// Whether <child> may appear directly inside <parent>.
bool allowedIn(Tag parent, Tag child) {
  switch (parent) {
    case Tag::kMethodCall:
      return child == Tag::kMethodName || child == Tag::kParams;
    case Tag::kParams:
      return child == Tag::kParam;
    case Tag::kParam:
    case Tag::kData:
      return child == Tag::kValue;
    case Tag::kValue:
      return isScalar(child) || child == Tag::kArray || child == Tag::kStruct;
    case Tag::kArray:
      return child == Tag::kData;
    case Tag::kStruct:
      return child == Tag::kMember;
    case Tag::kMember:
      return child == Tag::kName || child == Tag::kValue;
    default:
      return false;  // scalars, names: text only
  }
}

bool holdsText(Tag t) {
  return isScalar(t) || t == Tag::kValue || t == Tag::kName || t == Tag::kMethodName;
}

std::string_view strip(std::string_view s) {
  const char* blanks = " \t\r\n";
  std::size_t b = s.find_first_not_of(blanks);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(blanks) - b + 1);
}

struct Frame {
  Tag tag;
  std::string text;
  json value;              // kValue: what its typed child gave; kData/kStruct: the container
  bool has_value = false;  // kValue, kParam, kMember: a value arrived; kArray: its <data>
  bool has_name = false;   // kMember
  std::string name;        // kMember
};

class Decoder {
 public:
  explicit Decoder(DecodeLimits limits) : limits_(limits) {}

  Result<Call> run(std::string_view xml) {
    XML_Parser p = XML_ParserCreate(nullptr);
    if (p == nullptr) return Error{"out of memory"};
    parser_ = p;
    XML_SetUserData(p, this);
    XML_SetElementHandler(p, &Decoder::onStart, &Decoder::onEnd);
    XML_SetCharacterDataHandler(p, &Decoder::onText);
    XML_SetStartDoctypeDeclHandler(p, &Decoder::onDoctype);
    XML_SetEntityDeclHandler(p, &Decoder::onEntityDecl);
    bool ok = true;
    do {
      std::size_t n = std::min<std::size_t>(xml.size(), INT_MAX / 2);
      bool last = n == xml.size();
      ok = XML_Parse(p, xml.data(), static_cast<int>(n), last) == XML_STATUS_OK;
      xml.remove_prefix(n);
    } while (ok && !xml.empty());
    if (!ok && error_.empty()) {
      error_ = std::string(XML_ErrorString(XML_GetErrorCode(p))) + " at line " +
               std::to_string(XML_GetCurrentLineNumber(p)) + ", column " +
               std::to_string(XML_GetCurrentColumnNumber(p));
    }
    XML_ParserFree(p);
    if (!error_.empty()) return Error{error_};
    if (!seen_call_) return Error{"no methodCall element"};
    if (call_.method.empty()) return Error{"no method name"};
    return std::move(call_);
  }

 private:
  void fail(std::string why) {
    if (error_.empty()) error_ = std::move(why);
    XML_StopParser(parser_, XML_FALSE);
  }

  static void onDoctype(void* self, const XML_Char*, const XML_Char*, const XML_Char*, int) {
    static_cast<Decoder*>(self)->fail("a DOCTYPE is not accepted");
  }
  static void onEntityDecl(void* self, const XML_Char*, int, const XML_Char*, int, const XML_Char*,
                           const XML_Char*, const XML_Char*, const XML_Char*) {
    static_cast<Decoder*>(self)->fail("an entity declaration is not accepted");
  }
  static void onStart(void* self, const XML_Char* name, const XML_Char**) {
    static_cast<Decoder*>(self)->start(name);
  }
  static void onEnd(void* self, const XML_Char*) { static_cast<Decoder*>(self)->end(); }
  static void onText(void* self, const XML_Char* s, int len) {
    auto* d = static_cast<Decoder*>(self);
    if (!d->stack_.empty() && holdsText(d->stack_.back().tag)) {
      d->stack_.back().text.append(s, static_cast<std::size_t>(len));
    }
  }

  void start(const char* name) {
    if (!error_.empty()) return;
    const TagName* found = nullptr;
    for (const auto& t : kTags) {
      if (std::strcmp(t.name, name) == 0) found = &t;
    }
    if (found == nullptr) return fail(std::string("unknown element <") + name + ">");
    Tag tag = found->tag;
    if (stack_.empty()) {
      if (tag != Tag::kMethodCall || seen_call_) {
        return fail(std::string("<") + name + "> where <methodCall> belongs");
      }
      seen_call_ = true;
    } else {
      Frame& parent = stack_.back();
      bool once =
          (parent.tag == Tag::kParam || parent.tag == Tag::kValue || parent.tag == Tag::kArray) &&
          parent.has_value;
      if (!allowedIn(parent.tag, tag) || once || (tag == Tag::kName && parent.has_name)) {
        return fail(std::string("unexpected <") + name + ">");
      }
    }
    if (tag == Tag::kArray || tag == Tag::kStruct) {
      if (++depth_ > limits_.max_depth) return fail("values nested too deep");
    }
    Frame f{tag, {}, json(), false, false, {}};
    if (tag == Tag::kData) f.value = json::array();
    if (tag == Tag::kStruct) f.value = json::object();
    stack_.push_back(std::move(f));
  }

  void end() {
    if (!error_.empty()) return;
    Frame f = std::move(stack_.back());
    stack_.pop_back();
    switch (f.tag) {
      case Tag::kMethodCall:
      case Tag::kParams:
        return;
      case Tag::kMethodName:
        call_.method = std::move(f.text);
        return;
      case Tag::kParam:
        if (!f.has_value) return fail("<param> without a <value>");
        return;
      case Tag::kName:
        stack_.back().name = std::move(f.text);
        stack_.back().has_name = true;
        return;
      case Tag::kMember: {
        if (!f.has_name || !f.has_value) return fail("<member> needs a <name> and a <value>");
        stack_.back().value[f.name] = std::move(f.value);
        return;
      }
      case Tag::kData:
        stack_.back().value = std::move(f.value);
        stack_.back().has_value = true;
        return;
      case Tag::kArray:
        --depth_;
        if (!f.has_value) return fail("<array> without <data>");
        return give(std::move(f.value));
      case Tag::kStruct:
        --depth_;
        return give(std::move(f.value));
      case Tag::kValue:
        return deliver(f.has_value ? std::move(f.value) : json(std::move(f.text)));
      default:
        return scalar(f);
    }
  }

  // A typed child's value goes to its <value>.
  void give(json v) {
    stack_.back().value = std::move(v);
    stack_.back().has_value = true;
  }

  // A finished <value> goes to its <param>, <data> or <member>.
  void deliver(json v) {
    Frame& parent = stack_.back();
    switch (parent.tag) {
      case Tag::kParam:
        call_.params.push_back(std::move(v));
        parent.has_value = true;
        return;
      case Tag::kData:
        parent.value.push_back(std::move(v));
        return;
      default:  // kMember
        if (parent.has_value) return fail("<member> with two values");
        parent.value = std::move(v);
        parent.has_value = true;
        return;
    }
  }

  void scalar(Frame& f) {
    std::string_view text = strip(f.text);
    switch (f.tag) {
      case Tag::kInt: {
        std::string_view digits = text;
        if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
        std::int64_t n = 0;
        auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
        if (digits.empty() || ec != std::errc() || ptr != digits.data() + digits.size()) {
          return fail("bad integer '" + std::string(text) + "'");
        }
        return give(n);
      }
      case Tag::kBoolean:
        if (text != "0" && text != "1") return fail("bad boolean '" + std::string(text) + "'");
        return give(text == "1");
      case Tag::kDouble: {
        // strtod, not from_chars<double>: the latter pulls libm into the
        // daemon (+280 KB resident) for a type no method takes.
        std::string digits(text);
        char* end = nullptr;
        double d = digits.empty() ? 0 : std::strtod(digits.c_str(), &end);
        bool hex_or_word = digits.find_first_of("xXnNiI") != std::string::npos;
        if (digits.empty() || end != digits.c_str() + digits.size() || hex_or_word ||
            !std::isfinite(d)) {
          return fail("bad double '" + digits + "'");
        }
        return give(d);
      }
      case Tag::kBase64: {
        // Bytes become a string only when they are text XML can carry, so
        // every decoded call can be written back unchanged (a control byte
        // would come back as U+FFFD). Python's Supervisor takes no binary
        // parameter at all.
        auto bytes = base64Decode(f.text);
        if (!bytes) return fail("bad base64 value");
        if (!isXmlText(*bytes)) return fail("base64 value is not text");
        return give(std::move(*bytes));
      }
      case Tag::kNil:
        if (!text.empty()) return fail("<nil/> with content");
        return give(json());
      default:  // kString, kDateTime: the text as sent
        return give(std::move(f.text));
    }
  }

  DecodeLimits limits_;
  XML_Parser parser_ = nullptr;
  std::vector<Frame> stack_;
  std::size_t depth_ = 0;
  bool seen_call_ = false;
  Call call_;
  std::string error_;
};

}  // namespace

Result<Call> decodeCall(std::string_view xml, DecodeLimits limits) {
  return Decoder(limits).run(xml);
}

}  // namespace sup::xmlrpc
