// The XML-RPC codec: responses byte for byte as Python's xmlrpc.client.dumps
// writes them (strings below were produced by Python 3.11), text escaped so
// that any parser reads it, and requests decoded into the json params the
// method handlers take, with Supervisor's unmarshalling rules.
#include <catch2/catch.hpp>

#include "common/process_info_json.h"
#include "supervisord/xmlrpc_decode.h"
#include "supervisord/xmlrpc_encode.h"

using namespace sup;
using proto::json;

TEST_CASE("a boolean result is written as Python writes it") {
  CHECK(xmlrpc::encodeResponse(true) ==
        "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n"
        "<value><boolean>1</boolean></value>\n</param>\n</params>\n</methodResponse>\n");
}

TEST_CASE("nested values keep Python's layout and types") {
  json v = json::array({1, "a&<>b", false, json{{"k", json::array()}}, 2.0, -3});
  CHECK(xmlrpc::encodeResponse(v) ==
        "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><array><data>\n"
        "<value><int>1</int></value>\n<value><string>a&amp;&lt;&gt;b</string></value>\n"
        "<value><boolean>0</boolean></value>\n<value><struct>\n<member>\n<name>k</name>\n"
        "<value><array><data>\n</data></array></value>\n</member>\n</struct></value>\n"
        "<value><double>2.0</double></value>\n<value><int>-3</int></value>\n"
        "</data></array></value>\n</param>\n</params>\n</methodResponse>\n");
}

TEST_CASE("a fault is a struct of faultCode and faultString") {
  CHECK(xmlrpc::encodeFault(10, "BAD_NAME: a<b") ==
        "<?xml version='1.0'?>\n<methodResponse>\n<fault>\n<value><struct>\n<member>\n"
        "<name>faultCode</name>\n<value><int>10</int></value>\n</member>\n<member>\n"
        "<name>faultString</name>\n<value><string>BAD_NAME: a&lt;b</string></value>\n"
        "</member>\n</struct></value>\n</fault>\n</methodResponse>\n");
}

TEST_CASE("text XML cannot carry becomes U+FFFD and CR survives as a reference") {
  std::string out;
  xmlrpc::appendText(out, std::string("a\x1b[0m\r\n\tb\x01", 10));
  CHECK(out == "a\xEF\xBF\xBD[0m&#13;\n\tb\xEF\xBF\xBD");
  out.clear();
  xmlrpc::appendText(out, "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");  // valid UTF-8 kept
  CHECK(out == "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
  out.clear();
  xmlrpc::appendText(out, "x\xC3(\xFF\xEF\xBF\xBEy");  // truncated, invalid, U+FFFE
  CHECK(out == "x\xEF\xBF\xBD(\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDy");
}

TEST_CASE("integers beyond 32 bits and null are still written") {
  CHECK(xmlrpc::encodeResponse(json(5000000000LL)).find("<int>5000000000</int>") !=
        std::string::npos);
  CHECK(xmlrpc::encodeResponse(json()).find("<value><nil/></value>") != std::string::npos);
}

TEST_CASE("getAllProcessInfo's direct writer gives the tree's bytes") {
  proto::ProcessInfo a;
  a.name = "web";
  a.group = "web";
  a.start = 1700000000;
  a.now = 1700000004;
  a.state = 20;
  a.statename = "RUNNING";
  a.pid = 4242;
  a.stdout_logfile = a.logfile = "/var/log/web & co.log";
  a.description = "pid 4242, uptime 0:00:04";
  proto::ProcessInfo b = a;
  b.name = "w\x01rker";
  b.state = 200;
  b.spawnerr = "can't find command 'x'";
  std::vector<proto::ProcessInfo> infos{a, b};
  CHECK(xmlrpc::encodeProcessInfoList(infos) == xmlrpc::encodeResponse(json(infos)));
  CHECK(xmlrpc::encodeProcessInfoList({}) == xmlrpc::encodeResponse(json::array()));
}

TEST_CASE("a call Python's client writes decodes into name and params") {
  auto call = xmlrpc::decodeCall(
      "<?xml version='1.0'?>\n<methodCall>\n<methodName>system.multicall</methodName>\n"
      "<params>\n<param>\n<value><array><data>\n<value><struct>\n<member>\n"
      "<name>methodName</name>\n<value><string>a</string></value>\n</member>\n<member>\n"
      "<name>params</name>\n<value><array><data>\n<value><int>1</int></value>\n"
      "</data></array></value>\n</member>\n</struct></value>\n</data></array></value>\n"
      "</param>\n</params>\n</methodCall>\n");
  REQUIRE(call.ok());
  CHECK(call->method == "system.multicall");
  CHECK(call->params ==
        json::array({json::array({json{{"methodName", "a"}, {"params", json::array({1})}}})}));
}

TEST_CASE("every XML-RPC type decodes as Supervisor's unmarshallers read it") {
  auto call = xmlrpc::decodeCall(
      "<methodCall><methodName>m</methodName><params>"
      "<param><value><i4> 7 </i4></value></param>"
      "<param><value><boolean>1</boolean></value></param>"
      "<param><value>bare text</value></param>"
      "<param><value><string></string></value></param>"
      "<param><value><double>-2.5</double></value></param>"
      "<param><value><base64>aGk=</base64></value></param>"
      "<param><value><dateTime.iso8601>20240101T10:00:00</dateTime.iso8601></value></param>"
      "<param><value><nil/></value></param>"
      "<param><value><i8>-9000000000</i8></value></param>"
      "<param><value><string>&lt;&amp;&#13;</string></value></param>"
      "</params></methodCall>");
  REQUIRE(call.ok());
  CHECK(call->params == json::array({7, true, "bare text", "", -2.5, "hi", "20240101T10:00:00",
                                     nullptr, -9000000000LL, "<&\r"}));
}

TEST_CASE("a call without params has none, and a round trip is exact") {
  auto call = xmlrpc::decodeCall(
      "<?xml version='1.0'?><methodCall><methodName>supervisor.getState</methodName>"
      "</methodCall>");
  REQUIRE(call.ok());
  CHECK(call->params == json::array());
  json params = json::array({"web", json{{"a", 1}, {"b", json::array({true, "x"})}}, -1});
  auto back = xmlrpc::decodeCall(xmlrpc::encodeCall("supervisor.x", params));
  REQUIRE(back.ok());
  CHECK(back->method == "supervisor.x");
  CHECK(back->params == params);
}

TEST_CASE("malformed and hostile calls are refused with a reason") {
  auto refuse = [](const std::string& xml) {
    auto r = xmlrpc::decodeCall(xml);
    return r.ok() ? std::string() : r.error().message;
  };
  CHECK(refuse("") == "no element found at line 1, column 0");
  CHECK(refuse("<methodCall><methodName>m</methodName>") ==
        "no element found at line 1, column 38");
  CHECK(refuse("<methodCall><params/></methodCall>") == "no method name");
  CHECK(refuse("<methodResponse/>") == "unknown element <methodResponse>");
  CHECK(refuse("<params/>") == "<params> where <methodCall> belongs");
  CHECK(refuse("<methodCall><methodName>m</methodName><params><param><value><int>1x</int>"
               "</value></param></params></methodCall>") == "bad integer '1x'");
  CHECK(refuse("<methodCall><methodName>m</methodName><params><param><value><int>"
               "99999999999999999999</int></value></param></params></methodCall>") ==
        "bad integer '99999999999999999999'");
  CHECK(refuse("<methodCall><methodName>m</methodName><params><param><value><boolean>true"
               "</boolean></value></param></params></methodCall>") == "bad boolean 'true'");
  CHECK(refuse("<methodCall><methodName>m</methodName><params><param><value><ex:i8>1</ex:i8>"
               "</value></param></params></methodCall>") == "unknown element <ex:i8>");
  CHECK(refuse("<methodCall><methodName>m</methodName><params><param><value><int>1</int>"
               "<int>2</int></value></param></params></methodCall>") == "unexpected <int>");
  CHECK(refuse("<methodCall><methodName>m</methodName><params><param><value><base64>a*b="
               "</base64></value></param></params></methodCall>") == "bad base64 value");
  CHECK(refuse("<methodCall><methodName>m</methodName><params><param><value><base64>////"
               "</base64></value></param></params></methodCall>") == "base64 value is not text");
  // "AQ==" is the byte 0x01, "77++" U+FFFE: bytes XML cannot carry, so the
  // call could not be written back unchanged (found by fuzz_xmlrpc).
  CHECK(refuse("<methodCall><methodName>m</methodName><params><param><value><base64>AQ=="
               "</base64></value></param></params></methodCall>") == "base64 value is not text");
  CHECK(refuse("<methodCall><methodName>m</methodName><params><param><value><base64>77++"
               "</base64></value></param></params></methodCall>") == "base64 value is not text");
  CHECK(refuse("<?xml version='1.0'?><!DOCTYPE lol [<!ENTITY a 'aaaa'>]><methodCall/>") ==
        "a DOCTYPE is not accepted");
  std::string deep = "<methodCall><methodName>m</methodName><params><param>";
  for (int i = 0; i < 65; ++i) deep += "<value><array><data>";
  CHECK(refuse(deep) == "values nested too deep");
}

TEST_CASE("isXmlText accepts what appendText writes unchanged and nothing else") {
  CHECK(xmlrpc::isXmlText(""));
  CHECK(xmlrpc::isXmlText("tab\tline\ncr\r & <tag> \x7f"));
  CHECK(xmlrpc::isXmlText("caf\xC3\xA9 \xF0\x9F\x98\x80"));
  CHECK_FALSE(xmlrpc::isXmlText(std::string("nul\0", 4)));
  CHECK_FALSE(xmlrpc::isXmlText("bell\x07"));
  CHECK_FALSE(xmlrpc::isXmlText("\xEF\xBF\xBE"));  // U+FFFE
  CHECK_FALSE(xmlrpc::isXmlText("\xED\xA0\x80"));  // a surrogate
  CHECK_FALSE(xmlrpc::isXmlText("\xC3"));          // cut short
  for (std::string_view text : {"plain", "a\x01b", "\xFF", "ok\r\n"}) {
    std::string out;
    xmlrpc::appendText(out, text);
    bool unchanged = out.find("\xEF\xBF\xBD") == std::string::npos;
    CHECK(unchanged == xmlrpc::isXmlText(text));
  }
}
