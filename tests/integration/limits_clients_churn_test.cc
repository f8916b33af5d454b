// A hundred clients on the control socket while several others churn the
// same programs with racing start/stop/restart calls and batch calls, and
// real supervisorctl processes ask for status. Every answer must be one a
// correct Supervisor could give for some order of the calls, no call may
// wait long behind another (the loop never blocks), and afterwards no
// connection's descriptor is left open. (Garbage and malformed requests under
// load are in control_api_robustness_test.cc.)
#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "daemon_harness.h"
#include "limits_probe.h"
#include "rpc_client.h"

using namespace sup::test;

namespace {

constexpr int kPrograms = 6;
constexpr int kAlreadyStarted = 60;
constexpr int kNotRunning = 70;
// A start with wait whose process another client stops before it is RUNNING.
constexpr int kAbnormalTermination = 40;
constexpr int kSuccess = 80;

std::string name(int i) {
  return "p" + std::to_string(i % kPrograms);
}

// Slowest answer seen, in milliseconds.
struct Latency {
  std::mutex mu;
  double worst_ms = 0;
  std::string worst_call;
  void add(const std::string& call, std::chrono::steady_clock::time_point t0) {
    double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    std::lock_guard<std::mutex> lock(mu);
    if (ms > worst_ms) {
      worst_ms = ms;
      worst_call = call;
    }
  }
};

bool validProcessInfo(const json& info, const std::string& want_name) {
  static const std::set<std::string> states = {"STOPPED",  "STARTING", "RUNNING", "BACKOFF",
                                               "STOPPING", "EXITED",   "FATAL"};
  if (!info.is_object() || info.value("name", "") != want_name) return false;
  std::string state = info.value("statename", "");
  if (!states.count(state)) return false;
  int pid = info.value("pid", -1);
  bool live = state == "RUNNING" || state == "STARTING" || state == "STOPPING";
  return live ? pid > 0 : pid == 0;
}

}  // namespace

TEST_CASE("a hundred clients are answered correctly and promptly while programs churn") {
  DaemonHarness d;
  std::string programs;
  for (int i = 0; i < kPrograms; ++i) {
    programs += "[program:p" + std::to_string(i) +
                "]\ncommand={helpers}/sleeper\nstartsecs=0\nstopwaitsecs=5\n";
  }
  d.writeConfig(d.header() + "[unix_http_server]\nfile={dir}/sv.sock\n\n" +
                "[supervisorctl]\nserverurl=unix://{dir}/sv.sock\n\n" + programs);
  REQUIRE(d.start());
  REQUIRE(waitFor([&] { return d.countLogLines("success: p") == kPrograms; }));
  const std::string sock = d.path("sv.sock");
  const int pid = d.daemonPid();
  const int fds_idle = fdCount(pid);

  std::atomic<bool> stop{false};
  std::atomic<int> wrong{0}, churn_ops{0}, answered{0};
  std::mutex why_mu;
  std::string why;
  auto fail = [&](const std::string& what) {
    ++wrong;
    std::lock_guard<std::mutex> lock(why_mu);
    if (why.empty()) why = what;
  };
  Latency latency;

  // Churners race each other on the same programs: a start may find the
  // program started (or see it stopped by another client before it was
  // RUNNING), a stop may find it stopped; nothing else is correct.
  std::vector<std::thread> churners;
  for (int t = 0; t < 4; ++t) {
    churners.emplace_back([&, t] {
      RpcClient c(sock);
      for (int k = 0; !stop; ++k) {
        std::string n = name(t + k);
        auto s1 = c.call("supervisor.stopProcess", {n, true}, 10s);
        if (resultOf(s1) != true && errorCode(s1) != kNotRunning)
          fail("stop " + n + ": " + (s1 ? s1->dump() : "none"));
        auto s2 = c.call("supervisor.startProcess", {n, true}, 10s);
        if (resultOf(s2) != true && errorCode(s2) != kAlreadyStarted &&
            errorCode(s2) != kAbnormalTermination)
          fail("start " + n + ": " + (s2 ? s2->dump() : "none"));
        ++churn_ops;
      }
    });
  }
  // Batch calls: one result per program, each a success or a benign race.
  churners.emplace_back([&] {
    RpcClient c(sock);
    while (!stop) {
      for (const char* method : {"supervisor.stopAllProcesses", "supervisor.startAllProcesses"}) {
        auto r = resultOf(c.call(method, {true}, 15s));
        if (!r.is_array() || r.size() > kPrograms) {
          fail(std::string(method) + " answered " + r.dump());
          continue;
        }
        for (const auto& one : r) {
          int status = one.value("status", 0);
          if (status != kSuccess && status != kAlreadyStarted && status != kNotRunning &&
              status != kAbnormalTermination) {
            fail(std::string(method) + " status " + one.dump());
          }
        }
        ++churn_ops;
      }
    }
  });
  // A probe of how long the simplest call waits while all this goes on.
  std::thread probe([&] {
    RpcClient c(sock);
    while (!stop) {
      auto t0 = std::chrono::steady_clock::now();
      if (resultOf(c.call("supervisor.getState", json::array(), 10s))["statename"] != "RUNNING") {
        fail("getState");
      }
      latency.add("getState", t0);
      std::this_thread::sleep_for(5ms);  // pacing of the probe, not a wait
    }
  });

  std::vector<std::thread> clients;
  for (int t = 0; t < 100; ++t) {
    clients.emplace_back([&, t] {
      RpcClient c(sock);
      for (int k = 0; k < 10; ++k) {
        std::string n = name(t + k);
        auto t0 = std::chrono::steady_clock::now();
        auto info = resultOf(c.call("supervisor.getProcessInfo", {n}, 10s));
        latency.add("getProcessInfo", t0);
        if (!validProcessInfo(info, n)) fail("getProcessInfo " + info.dump());
        t0 = std::chrono::steady_clock::now();
        auto all = resultOf(c.call("supervisor.getAllProcessInfo", json::array(), 10s));
        latency.add("getAllProcessInfo", t0);
        if (!all.is_array() || all.size() != kPrograms) {
          fail("getAllProcessInfo " + all.dump());
        } else {
          for (int i = 0; i < kPrograms; ++i) {
            if (!validProcessInfo(all[static_cast<size_t>(i)], name(i))) fail("all " + all.dump());
          }
        }
        auto multi = resultOf(c.call(
            "system.multicall",
            json::array(
                {json::array({{{"methodName", "supervisor.getPID"}, {"params", json::array()}},
                              {{"methodName", "supervisor.getProcessInfo"}, {"params", {n}}}})}),
            10s));
        if (!multi.is_array() || multi.size() != 2 || multi[0] != pid ||
            !validProcessInfo(multi[1], n)) {
          fail("multicall " + multi.dump());
        }
        ++answered;
      }
    });
  }
  // Real supervisorctl processes in the middle of it.
  std::vector<std::thread> ctls;
  for (int t = 0; t < 8; ++t) {
    ctls.emplace_back([&] {
      auto r = d.ctl("status");
      int lines = static_cast<int>(std::count(r.out.begin(), r.out.end(), '\n'));
      if ((r.exit != 0 && r.exit != 3) || lines != kPrograms) {
        fail("supervisorctl status exit " + std::to_string(r.exit) + ": " + r.out + r.err);
      }
    });
  }
  for (auto& t : clients) t.join();
  for (auto& t : ctls) t.join();
  stop = true;
  for (auto& t : churners) t.join();
  probe.join();

  INFO("first wrong answer: " << why);
  CHECK(wrong == 0);
  CHECK(answered == 1000);
  CHECK(churn_ops > 0);
  INFO("slowest answer: " << latency.worst_call << " " << latency.worst_ms << " ms; churn ops "
                          << churn_ops);
  CHECK(latency.worst_ms < 3000 * kSlowdown);
  WARN("churn: " << churn_ops << " start/stop rounds; slowest answer " << latency.worst_ms
                 << " ms (" << latency.worst_call << ")");

  // Everything settles: all programs start, and every connection is gone.
  RpcClient c(sock);
  auto started = resultOf(c.call("supervisor.startAllProcesses", {true}, 15s));
  CHECK(started.is_array());
  for (int i = 0; i < kPrograms; ++i) {
    CHECK(resultOf(c.call("supervisor.getProcessInfo", {name(i)}))["statename"] == "RUNNING");
  }
  c.close();
  CHECK(waitFor([&] { return fdCount(pid) == fds_idle; }));
  INFO("daemon fds idle before " << fds_idle << ", after " << fdCount(pid));
  CHECK(d.running());
}
