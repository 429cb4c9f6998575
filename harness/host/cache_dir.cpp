// Cache root from the environment, following the XDG base-directory convention.
#include "harness/host/cache_dir.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

namespace mh::host {
namespace {

std::string env_or_empty(const char* name) {
    const char* v = std::getenv(name);
    return v ? std::string(v) : std::string();
}

}  // namespace

std::filesystem::path cache_root() {
    if (auto dir = env_or_empty("MH_CACHE_DIR"); !dir.empty()) return dir;
    if (auto xdg = env_or_empty("XDG_CACHE_HOME"); !xdg.empty()) return std::filesystem::path(xdg) / "modharness";
    std::string home = env_or_empty("HOME");
    if (home.empty()) {
        // No HOME (e.g. a stripped CI environment): ask the password database.
        if (const passwd* pw = getpwuid(getuid()); pw && pw->pw_dir) home = pw->pw_dir;
    }
    if (home.empty()) home = "/tmp";
    return std::filesystem::path(home) / ".cache" / "modharness";
}

}  // namespace mh::host
