// system.* methods: introspection from the registry's own table, and
// system.multicall, which runs its calls one after the other (a call that
// waits, e.g. startProcess, holds the rest back, as in Supervisor) and
// answers each with its value or a {faultCode, faultString} struct.
#include <memory>

#include "supervisord/rpc_methods.h"
#include "supervisord/rpc_support.h"

namespace sup {
namespace {

using proto::Fault;
using rpc::json;

void listMethods(const RpcContext& ctx, const json& params, RpcReply reply) {
  if (!rpc::arity(params, 0, 0, reply)) return;
  reply.ok(ctx.registry->names());
}

void methodHelp(const RpcContext& ctx, const json& params, RpcReply reply) {
  if (!rpc::arity(params, 1, 1, reply)) return;
  auto name = rpc::stringParam(params, 0, reply);
  if (!name) return;
  const RpcMethod* m = ctx.registry->find(*name);
  if (m == nullptr) return reply.fault(Fault::kSignatureUnsupported);
  reply.ok(m->doc.help);
}

void methodSignature(const RpcContext& ctx, const json& params, RpcReply reply) {
  if (!rpc::arity(params, 1, 1, reply)) return;
  auto name = rpc::stringParam(params, 0, reply);
  if (!name) return;
  const RpcMethod* m = ctx.registry->find(*name);
  if (m == nullptr || m->doc.signature.empty()) return reply.fault(Fault::kSignatureUnsupported);
  reply.ok(m->doc.signature);
}

json faultStruct(int code, const std::string& text) {
  return json{{"faultCode", code}, {"faultString", text}};
}

// One multicall in progress. step() runs calls until one has not answered
// yet; that call's reply resumes it. The loop (not recursion) keeps a long
// list of immediate calls from growing the stack.
struct Multicall : std::enable_shared_from_this<Multicall> {
  RpcContext ctx;
  json calls;
  std::size_t next = 0;
  json results = json::array();
  RpcReply reply;
  bool running = false;  // inside step()

  Multicall(const RpcContext& c, json list, RpcReply r)
      : ctx(c), calls(std::move(list)), reply(std::move(r)) {}

  void record(const RpcOutcome& outcome) {
    if (!outcome.isError()) {
      results.push_back(outcome.resultValue());
    } else if (outcome.code > 0) {
      results.push_back(faultStruct(outcome.code, outcome.message));
    } else {
      // A JSON-RPC level error inside a call: Supervisor's catch-all FAILED.
      results.push_back(
          faultStruct(static_cast<int>(Fault::kFailed), "FAILED: " + outcome.message));
    }
  }

  void step() {
    running = true;
    while (next < calls.size()) {
      const json& call = calls[next++];
      const json* name =
          call.is_object() && call.contains("methodName") ? &call["methodName"] : nullptr;
      json params = call.is_object() ? call.value("params", json::array()) : json::array();
      if (name == nullptr || !name->is_string()) {
        record(RpcOutcome::fault(Fault::kIncorrectParameters, "No methodName"));
        continue;
      }
      std::string method = name->get<std::string>();
      if (method == proto::method::kMulticall) {
        record(
            RpcOutcome::fault(Fault::kIncorrectParameters, "Recursive system.multicall forbidden"));
        continue;
      }
      if (!params.is_array()) {
        record(RpcOutcome::fault(Fault::kIncorrectParameters));
        continue;
      }
      bool answered = false;
      auto self = shared_from_this();
      RpcReply one([self, &answered](RpcOutcome outcome) {
        self->record(outcome);
        if (self->running) {
          answered = true;  // still inside step(): the loop goes on
        } else {
          self->step();
        }
      });
      ctx.registry->call(ctx, method, params, one);
      if (!answered) {
        running = false;
        return;  // the call's reply resumes the loop
      }
    }
    running = false;
    reply.ok(std::move(results));
  }
};

void multicall(const RpcContext& ctx, const json& params, RpcReply reply) {
  if (!rpc::arity(params, 1, 1, reply)) return;
  if (!params[0].is_array()) return reply.fault(Fault::kIncorrectParameters);
  RpcContext inner = ctx;
  inner.in_multicall = true;
  inner.connection = nullptr;
  auto mc = std::make_shared<Multicall>(inner, params[0], reply);
  mc->step();
}

}  // namespace

void registerSystemMethods(RpcRegistry& r) {
  namespace m = proto::method;
  r.add(std::string(m::kListMethods), listMethods,
        {{"array"},
         "Return an array listing the available method names\n\n"
         "@return array result  An array of method names available (strings)."},
        true);
  r.add(std::string(m::kMethodHelp), methodHelp,
        {{"string", "string"},
         "Return a string showing the method's documentation\n\n"
         "@param string name   The name of the method.\n"
         "@return string result The documentation for the method name."},
        true);
  r.add(std::string(m::kMethodSignature), methodSignature,
        {{"array", "string"},
         "Return an array describing the method signature in the\n"
         "form [rtype, ptype, ptype...] where rtype is the return data type\n"
         "of the method, and ptypes are the parameter data types that the\n"
         "method accepts in method argument order.\n\n"
         "@param string name  The name of the method.\n"
         "@return array result  The result."},
        true);
  r.add(std::string(m::kMulticall), multicall,
        {{"array", "array"},
         "Process an array of calls, and return an array of\n"
         "results. Calls should be structs of the form {'methodName':\n"
         "string, 'params': array}. Each result will either be a\n"
         "single-item array containing the result value, or a struct of\n"
         "the form {'faultCode': int, 'faultString': string}. This is\n"
         "useful when you need to make lots of small calls without lots\n"
         "of round trips.\n\n"
         "@param array calls  An array of call requests\n"
         "@return array result  An array of results"},
        true);
}

}  // namespace sup
