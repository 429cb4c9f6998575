#include "harness/cli/reset_options.h"

#include "harness/host/cache_dir.h"

namespace mh::cli {

Expected<ResetChoice> reset_choice(const ParsedArgs& p) {
    ResetChoice c;
    const std::string reset = p.get_or("reset", "snapshot");
    if (reset != "snapshot" && reset != "boot") return usage_error("--reset must be snapshot or boot (got '" + reset + "')");
    c.snapshot = reset == "snapshot";
    const std::string cache = p.get_or("snapshot-cache", "");
    if (p.has("snapshot-cache") && cache.empty()) return usage_error("--snapshot-cache needs a directory or off");
    if (cache != "off") c.snapshot_cache = cache.empty() ? host::cache_root() / "snapshots" : std::filesystem::path(cache);
    return c;
}

std::vector<OptionSpec> reset_option_specs(const std::string& vms) {
    return {
        {"reset", "HOW",
         "how " + vms +
             " starts: snapshot (default: boot once to the executor's ready\n"
             "point, save it, restore every VM from it; cold boots if that fails) or boot"},
        {"snapshot-cache", "DIR",
         "keep snapshots of ready guests here for later runs on the same kernel\n"
         "(default <cache>/snapshots, at most 4 GiB; off = none)"},
    };
}

}  // namespace mh::cli
