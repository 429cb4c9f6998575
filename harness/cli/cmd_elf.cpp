// PLACEHOLDER (lead): the ELF model engineer replaces this file with the real inspect/gen/malformations/check-package.
#include <cstdio>

#include "harness/cli/args.h"
#include "harness/cli/commands.h"

namespace mh::cli {
static int not_yet(const char* what) {
    std::fprintf(stderr, "modharness %s: not available in this build yet\n", what);
    return kExitUsage;
}
int cmd_inspect(const Args&) { return not_yet("inspect"); }
int cmd_gen(const Args&) { return not_yet("gen"); }
int cmd_malformations(const Args&) { return not_yet("malformations"); }
int cmd_check_package(const Args&) { return not_yet("check-package"); }
}  // namespace mh::cli
