// Reached KCOV PCs as the host keeps them: a text file with one hex address per line.
#include "harness/coverage/coverage_pcs.h"

#include "harness/common/files.h"
#include "harness/common/text.h"
#include "harness/coverage/coverage_tool_output.h"

namespace mh::coverage {

Expected<PcSet> parse_pcs(std::string_view text, const std::string& name) {
    PcSet out;
    for (auto [raw, number] : lines(text)) {
        std::string line = trim(raw);
        if (line.empty() || line.front() == '#') continue;
        auto pc = parse_hex_address(line);
        if (!pc) return make_error(name + ":" + std::to_string(number) + ": " + pc.error().message + " (expected one hex PC per line)");
        out.insert(*pc);
    }
    return out;
}

Expected<PcSet> read_pcs_file(const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) return make_error("PCs file '" + path.string() + "' does not exist or is not a file");
    MH_TRY_ASSIGN(text, read_text_file(path));
    return parse_pcs(text, path.string());
}

}  // namespace mh::coverage
