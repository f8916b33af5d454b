#include "supervisord/web_text.h"

#include <catch2/catch.hpp>

using namespace sup::web;

TEST_CASE("htmlEscape turns markup characters into entities and keeps UTF-8 bytes") {
  CHECK(htmlEscape("<script>alert('x')</script>") ==
        "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
  CHECK(htmlEscape("a&b \"q\"") == "a&amp;b &quot;q&quot;");
  CHECK(htmlEscape("caf\xc3\xa9 \xe2\x9c\x93") == "caf\xc3\xa9 \xe2\x9c\x93");
  CHECK(htmlEscape(std::string("nul\0byte\xff", 9)) == std::string("nul\0byte\xff", 9));
  CHECK(htmlEscape("") == "");
}

TEST_CASE("urlEncode escapes every byte but the unreserved ones") {
  CHECK(urlEncode("web:web_0") == "web%3Aweb_0");
  CHECK(urlEncode("a b&c=d/e") == "a%20b%26c%3Dd%2Fe");
  CHECK(urlEncode("\xc3\xa9~-._") == "%C3%A9~-._");
}

TEST_CASE("formDecode reads percent escapes and plus signs and keeps malformed escapes") {
  CHECK(formDecode("a+b%20c") == "a b c");
  CHECK(formDecode("%3Cscript%3E") == "<script>");
  CHECK(formDecode("100%") == "100%");
  CHECK(formDecode("%zz%4") == "%zz%4");
  CHECK(formDecode("%C3%A9") == "\xc3\xa9");
}

TEST_CASE("Form parses fields in order with empty and valueless ones") {
  Form f = Form::parse("token=abc&action=stop&name=web%3Ax&empty=&flag&&action=start");
  CHECK(f.get("token") == "abc");
  CHECK(f.get("action") == "stop");  // the first one counts
  CHECK(f.get("name") == "web:x");
  CHECK(f.get("empty") == "");
  CHECK(f.has("flag"));
  CHECK(f.get("flag") == "");
  CHECK_FALSE(f.has("nope"));
  CHECK(f.get("nope", "dflt") == "dflt");
  CHECK(f.fields().size() == 6);
  CHECK(Form::parse("").fields().empty());
  CHECK(Form::parse("a+b=c+d").get("a b") == "c d");
}

TEST_CASE("urlEncode then formDecode gives back any bytes") {
  std::string all;
  for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
  CHECK(formDecode(urlEncode(all)) == all);
}
