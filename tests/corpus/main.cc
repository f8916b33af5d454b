// The corpus test's own main: the corpus lives outside the repository
// (../shared/corpus, see its README), so a plain clone or a package build has
// none. Then the test reports itself skipped, with the reason, through ctest's
// SKIP_RETURN_CODE, instead of failing; wherever the corpus is present it
// runs and must pass.
#define CATCH_CONFIG_RUNNER
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <string_view>

// ctest's SKIP_RETURN_CODE for this executable (tests/CMakeLists.txt).
constexpr int kSkipped = 77;

int main(int argc, char* argv[]) {
  struct stat st{};
  bool listing = false;
  for (int i = 1; i < argc; ++i) listing |= std::string_view(argv[i]).rfind("--list", 0) == 0;
  if (!listing && ::stat(SUP_CORPUS_DIR "/MANIFEST.tsv", &st) != 0) {
    std::printf("skipped: no corpus at %s (it lives beside the repository in ../shared/corpus;"
                " configure with -DSUP_CORPUS_DIR=PATH to run it)\n",
                SUP_CORPUS_DIR);
    return kSkipped;
  }
  return Catch::Session().run(argc, argv);
}
