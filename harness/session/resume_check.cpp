// Ids name results and one results.jsonl describes one kernel: mixing either would make --resume
// report a result that no longer matches the run.
#include "harness/session/resume_check.h"

#include <map>

namespace mh::session {

// One id twice would mix two cases under one name in results.jsonl and the reports.
std::optional<std::string> duplicate_id(const std::vector<HostCase>& cases) {
    std::map<std::string, const HostCase*> seen;
    for (const auto& hc : cases) {
        auto [it, fresh] = seen.emplace(hc.guest.id, &hc);
        if (!fresh)
            return "duplicate case id '" + hc.guest.id + "' (" + (it->second->source.empty() ? "?" : it->second->source) + " and " +
                   (hc.source.empty() ? "?" : hc.source) + "): ids must be unique across all case files";
    }
    return std::nullopt;
}

// --resume on another kernel would mix two kernels' results in one record set.
std::optional<std::string> recorded_on_other_kernel(const RecordedResults& recorded, const kernels::Kernel& kernel,
                                                    const std::filesystem::path& results_file) {
    for (const auto& [id, release] : recorded.kernel_release)
        if (release != kernel.release)
            return "--resume: " + results_file.string() + " was recorded on kernel release '" + release + "' (case " + id +
                   "), this run is on '" + kernel.release + "' (" + kernel.name + "): resume with the same kernel, or use another --out";
    return std::nullopt;
}

}  // namespace mh::session
