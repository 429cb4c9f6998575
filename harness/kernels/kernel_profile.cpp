// Profile lookup for `image=synth:...` cases.
#include "harness/kernels/kernel_profile.h"

#include <cstdlib>

#include "harness/common/files.h"
#include "harness/paths/artefact_paths.h"

namespace mh::kernels {

std::filesystem::path corpus_profiles_dir() { return paths::artefact_path(paths::Artefact::kKernelProfiles); }

Expected<elf::KernelProfile> profile_for_kernel(const Kernel& k) {
    auto committed = corpus_profiles_dir() / ("debian-" + k.release + ".profile");
    std::error_code ec;
    if (!k.release.empty() && std::filesystem::exists(committed, ec)) return elf::load_profile(committed.string());
    if (!k.modules_dir.empty() && std::filesystem::is_directory(k.modules_dir, ec)) {
        for (auto it = std::filesystem::recursive_directory_iterator(k.modules_dir, ec);
             it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
            auto name = it->path().filename().string();
            if (name.size() < 4 || !(name.ends_with(".ko") || name.ends_with(".ko.xz"))) continue;
            // An unreadable module is no profile, like an unparsable one: try the next.
            auto bytes = read_file_bytes(it->path()).value_or(std::vector<uint8_t>{});
            auto p = elf::extract_profile(bytes, it->path().string());
            if (p) return p;
        }
    }
    return environment_error("no synthesis profile for kernel " + k.name + ": neither " + committed.string() +
                             " nor a readable module under " + (k.modules_dir.empty() ? "(no modules dir)" : k.modules_dir.string()));
}

}  // namespace mh::kernels
