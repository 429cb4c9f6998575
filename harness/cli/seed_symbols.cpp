#include "harness/cli/seed_symbols.h"

#include <cstdio>

#include "harness/kernels/seed_modules.h"

namespace mh::cli {

void add_seed_modules(symbolize::Symbolizer& sym, const kernels::Kernel& k, const char* command) {
    auto set = kernels::build_seed_modules(k, {}, false);
    if (!set) {
        std::fprintf(stderr, "modharness %s: warning: seed modules for %s: %s (module frames keep their names only)\n", command,
                     k.release.c_str(), set.error().message.c_str());
        return;
    }
    for (const auto& [name, ko] : set->modules)
        if (auto st = sym.add_module(ko.stem().string(), ko); !st)
            std::fprintf(stderr, "modharness %s: warning: %s: %s\n", command, name.c_str(), st.error().message.c_str());
}

}  // namespace mh::cli
