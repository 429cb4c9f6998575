// Case files as users write them: one case per line, key=value words (see docs/case-format.md).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "harness/common/expected.h"
#include "harness/protocol/guest_case.h"

namespace mh::session {

struct HostCase {
    protocol::GuestCase guest;  // img/modname are filled in when the batch is built
    std::string image = "seed:ok";  // seed:NAME | file:PATH | synth:RET[:NAME] | none
    std::vector<std::string> malformations;  // catalogue ids applied in order
    uint64_t malform_seed = 0;
    std::optional<std::vector<int>> expect;  // acceptable errnos; 0 = success; kAnyResult = anything
    std::string conf_reason;  // non-empty: verdict CONF (e.g. no contract rule for this kernel)
    std::string skip_reason;  // non-empty: not run at all, verdict CONF (input not applicable)
    uint64_t image_bytes = 0;  // size of the resolved image (set when the batch is built)
    bool recorded = false;  // --resume: already in results.jsonl, not run again
    std::string canonical;  // the case line, keys sorted (canonical_case_line)
    std::string input_hash;  // of the resolved input (input_hash.h), set when the batch is built
    std::string image_hash;  // of the image bytes alone (input_hash.h); "" for image=none
    // --resume: the recorded result's input_hash. A different hash when the batch is built
    // clears `recorded` and sets `changed_since_recorded`: the case is run again.
    std::string recorded_hash;
    bool changed_since_recorded = false;
    std::string input_class;  // contract.md §3 id, e.g. "F1"
    std::string note;
    std::string source;  // "file:line" for error messages
};

// In `expect`: any result conforms (the contract records what each kernel does).
inline constexpr int kAnyResult = -1;

// The keys a host case line may use besides the guest keys.
const std::vector<std::string>& host_only_keys();

// Parses one case line. `source` names the file:line in errors.
Expected<HostCase> parse_host_case(const std::string& line, const std::string& source, int idx);

// Parses a whole case file; blank lines and '#' comments are skipped; ids must be unique.
Expected<std::vector<HostCase>> parse_case_text(const std::string& text, const std::string& source_name);
Expected<std::vector<HostCase>> load_case_file(const std::filesystem::path& path);

// "ENOEXEC,EINVAL" / "0" / "sentinel" (= ENOTRECOVERABLE, the sentinel module's init value).
Expected<std::vector<int>> parse_expect(const std::string& text);

}  // namespace mh::session
