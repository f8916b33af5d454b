// supervisorctl metrics (ours): the daemon's metrics in Prometheus' text
// format, exactly what GET /metrics serves (supervisor.getMetrics), for a
// shell, a cron job or node_exporter's textfile collector.
#include <iostream>

#include "common/exit_codes.h"
#include "common/gnu_options.h"
#include "supervisorctl/controller.h"

namespace sup::ctl {

void Controller::doMetrics(const std::string& arg) {
  bool help = false;
  GnuOptions cli("metrics", "");
  cli.flag('h', "help", help);
  auto operands = cli.parse(splitWords(arg));
  if (!operands || !operands->empty()) {
    std::cerr << (operands ? cli.prefix() + "unexpected argument '" + operands->front() + "'\n" +
                                 cli.usage()
                           : operands.error().message)
              << '\n';
    exitstatus_ = exitcode::kInvalidArgs;
    return;
  }
  if (help) {
    out_ << "Usage: supervisorctl metrics\n"
            "Print supervisord's metrics in Prometheus' text format (what GET /metrics\n"
            "serves on the control socket and on [inet_http_server]; docs/metrics.md).\n";
    return;
  }
  if (!upcheck()) return;
  out_ << rpc(proto::method::kGetMetrics).get<std::string>();
  out_.flush();
}

}  // namespace sup::ctl
