#include "supervisord/restart_policy.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace sup {

using std::chrono::milliseconds;
using std::chrono::seconds;

double systemUnitRandom() {
  static std::mt19937_64 engine{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
}

milliseconds backoffDelay(const RestartPolicy& policy, int failures, double unit) {
  long long n = std::max(failures, 1);
  seconds wait{n};
  if (policy.backoff == RestartPolicy::Backoff::Exponential) {
    // 2^(n-1) s, without overflowing on the way to the ceiling.
    long long s = 1;
    for (long long i = 1; i < n && s < kExponentialCeiling.count(); ++i) s *= 2;
    wait = std::min(seconds{s}, kExponentialCeiling);
  }
  if (policy.backoff_max > 0) wait = std::min(wait, seconds{policy.backoff_max});
  milliseconds ms = wait;
  if (policy.backoff_jitter > 0) {
    double share = static_cast<double>(ms.count()) * policy.backoff_jitter / 100.0;
    double off = std::floor(share * std::clamp(unit, 0.0, 1.0));
    ms -= milliseconds{std::min(static_cast<milliseconds::rep>(off), ms.count())};
  }
  return ms;
}

bool resetsOnRunning(const RestartPolicy& policy, int startsecs) {
  return policy.backoff_reset == 0 || policy.backoff_reset <= startsecs;
}

bool runResets(const RestartPolicy& policy, int startsecs,
               std::chrono::steady_clock::duration ran) {
  return !resetsOnRunning(policy, startsecs) && ran >= seconds{policy.backoff_reset};
}

bool RestartWindow::overLimit(const RestartPolicy& policy, TimePoint now) {
  if (policy.restart_limit <= 0) return false;
  times_.push_back(now);
  const auto window = seconds{policy.restart_limit_seconds};
  const size_t keep = static_cast<size_t>(policy.restart_limit) + 1;
  auto first =
      std::find_if(times_.begin(), times_.end(), [&](TimePoint t) { return now - t < window; });
  if (static_cast<size_t>(times_.end() - first) > keep) first = times_.end() - keep;
  times_.erase(times_.begin(), first);
  return times_.size() > static_cast<size_t>(policy.restart_limit);
}

}  // namespace sup
