// supervisorctl events (ours): Supervisor's events as lines, from the
// daemon's recent history (supervisor.getEvents) or, with -f, as they
// happen (the streaming supervisor.subscribeEvents), so a shell script can
// react to PROCESS_STATE_FATAL without writing an event listener.
#include <iostream>

#include "common/event_protocol.h"
#include "common/exit_codes.h"
#include "supervisorctl/controller.h"
#include "supervisorctl/events_options.h"

namespace sup::ctl {

namespace {

void printEvent(std::ostream& out, const json& record, bool as_json) {
  if (as_json) {
    out << record.dump() << '\n';
    return;
  }
  auto e = record.get<proto::EventRecord>();
  if (e.lost) out << "==> " << e.lost << " events lost (this client read too slowly) <==\n";
  out << proto::eventLine(e) << '\n';
}

}  // namespace

void Controller::doEvents(const std::string& arg) {
  // One-shot: the words exactly as the shell passed them.
  std::vector<std::string> args;
  if (!settings_.interactive && !settings_.action.empty() && settings_.action[0] == "events") {
    args.assign(settings_.action.begin() + 1, settings_.action.end());
  } else {
    args = splitWords(arg);
  }
  auto opts = parseEventsArgs(args);
  if (!opts) {
    std::cerr << opts.error().message << '\n';
    exitstatus_ = exitcode::kInvalidArgs;
    return;
  }
  if (opts->help) {
    out_ << eventsUsage() << '\n';
    return;
  }
  if (!upcheck()) return;
  json types(opts->types), names(opts->names);
  if (!opts->follow) {
    json records = rpc(proto::method::kGetEvents, json::array({types, names, opts->count}));
    for (const json& r : records) printEvent(out_, r, opts->json);
    out_.flush();
    return;
  }
  RpcClient::StreamHooks hooks;
  hooks.on_notification = [this, &opts](const proto::Message& msg) {
    if (msg.method != proto::method::kEventNotification) return true;
    if (msg.params.value("eof", false)) return false;
    printEvent(out_, msg.params, opts->json);
    out_.flush();
    return true;
  };
  try {
    rpc_.stream(proto::method::kSubscribeEvents, json::array({types, names, 0}), hooks);
  } catch (const Interrupted&) {
    // Ctrl-C ends a follow normally.
  }
}

}  // namespace sup::ctl
