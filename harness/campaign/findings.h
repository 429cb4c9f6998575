// Findings of a triaged campaign: every crash group with its replay, minimisation, culprit and
// affected kernels, deduplicated by culprit (the loader line that trusted the input, or the
// module's own code), not by title. findings.json (schema modharness.findings/1) and findings.md
// (findings.html is in findings_html.h).
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "harness/campaign/affected.h"
#include "harness/campaign/triage.h"
#include "harness/common/expected.h"

namespace mh::campaign {

// One crash group of the campaign, triaged.
struct CrashTriage {
    std::string group;  // its directory name under crashes/
    std::string title;
    std::string culprit_kind;  // "loader", "module-code", "unattributed", "unsymbolized" (no vmlinux or no report)
    std::string culprit;  // "simplify_symbols kernel/module/main.c:1324", "mh_consumer_init [mh_consumer]", ""
    std::string culprit_reason;
    bool has_input = true;  // false: the crash took its input with the VM (nothing to replay)
    std::string error;  // the replay or minimisation failed (the VM did not boot...): status "error"
    TriageResult triage;
    std::vector<KernelOutcome> affected;
};

struct Finding {
    std::string id;  // "loader simplify_symbols kernel/module/main.c:1324"; dedupe key
    std::string kind;  // culprit_kind of its crashes
    std::vector<size_t> crashes;  // indices into Findings::crashes
    size_t representative = 0;  // the reproducing crash with the fewest differences (else the first)
    bool is_new = true;  // not in the known findings
};

struct Findings {
    std::string kernel, release, campaign;
    std::vector<CrashTriage> crashes;
    std::vector<Finding> findings;  // loader first, then module code, then the rest
    size_t new_loader_bugs() const;
};

// What replaying a crash group showed: "reproduces", "did-not-reproduce", "no-input" (the input
// went with the VM), "not-replayed" or "error".
std::string crash_status(const CrashTriage& c);
// The same in words: "reproduces (3/3 replays)", "did not reproduce in 3 replay(s)", "error: ...".
std::string crash_status_text(const CrashTriage& c);

// The dedupe key of one crash.
std::string finding_id(const CrashTriage& c);

// Groups crashes into findings; ids in `known` are not new.
void group_findings(Findings& f, const std::set<std::string>& known);

// The finding ids of an earlier findings.json (the known bugs).
Expected<std::set<std::string>> known_finding_ids(std::string_view findings_json);

std::string findings_json(const Findings& f);
std::string findings_markdown(const Findings& f);

}  // namespace mh::campaign
