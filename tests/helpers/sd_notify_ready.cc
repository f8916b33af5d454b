// Test child: after [delay] seconds (default 0) calls libsystemd's own
// sd_notify(0, "READY=1"), as a daemon built with libsystemd does, prints
// "sd_notify <result>", then sleeps forever. libsystemd.so.0 (Debian's
// libsystemd0) is loaded with dlopen, so building needs no -dev package.
#include <dlfcn.h>
#include <time.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {
  double delay = argc > 1 ? std::atof(argv[1]) : 0;
  timespec t{static_cast<time_t>(delay), static_cast<long>((delay - std::floor(delay)) * 1e9)};
  nanosleep(&t, nullptr);
  void* lib = dlopen("libsystemd.so.0", RTLD_NOW);
  if (!lib) {
    std::printf("no libsystemd: %s\n", dlerror());
    return 3;
  }
  using SdNotify = int (*)(int, const char*);
  auto sd_notify = reinterpret_cast<SdNotify>(dlsym(lib, "sd_notify"));
  if (!sd_notify) return 4;
  std::printf("sd_notify %d\n", sd_notify(0, "READY=1\nSTATUS=serving"));
  std::fflush(stdout);
  while (true) pause();
}
