// Verdict rules, in priority order: KERNEL > BROK > PASS/FAIL/RAN.
#include "harness/verdict/verdict.h"

#include <algorithm>

#include "harness/sys/errno_names.h"

namespace mh::verdict {

std::string_view verdict_name(Verdict v) {
    switch (v) {
        case Verdict::Pass: return "PASS";
        case Verdict::Fail: return "FAIL";
        case Verdict::Conf: return "CONF";
        case Verdict::Brok: return "BROK";
        case Verdict::Kernel: return "KERNEL";
        case Verdict::Ran: return "RAN";
    }
    return "?";
}

Judgement judge(const Observation& o, const std::optional<std::vector<int>>& expected) {
    Judgement j;
    if (!o.crashes.empty()) {
        j.verdict = Verdict::Kernel;
        j.title = o.crashes.front().title;
        j.reason = "kernel report: " + j.title;
        return j;
    }
    if (o.vm_event == "flood") {
        // Not a crash, but the VM could not go on: its console output had to be cut off.
        j.verdict = Verdict::Kernel;
        j.title = "console flood";
        j.reason = "console flood: the VM's console log passed its size limit and the VM was stopped";
        return j;
    }
    if (o.vm_event == "died" || o.vm_event == "hung" || o.timed_out) {
        j.verdict = Verdict::Kernel;
        j.title = o.vm_event == "died" ? "VM died during the call" : "hang: call did not return";
        j.reason = j.title;
        return j;
    }
    if (o.vm_event == "no-boot") {
        j.verdict = Verdict::Brok;
        j.reason = "the VM did not boot";
        return j;
    }
    if (!o.setup_error.empty()) {
        j.verdict = Verdict::Brok;
        j.reason = "setup failed: " + o.setup_error;
        return j;
    }
    if (!o.has_result) {
        j.verdict = Verdict::Brok;
        j.reason = "no result from the guest";
        return j;
    }
    // One result, or one per concurrent caller: every one must be acceptable.
    std::vector<int> gots;
    if (o.caller_rets.empty()) {
        gots.push_back(o.ret == 0 ? 0 : o.err);
    } else {
        for (size_t i = 0; i < o.caller_rets.size(); ++i)
            gots.push_back(o.caller_rets[i] == 0 ? 0 : (i < o.caller_errs.size() ? o.caller_errs[i] : 0));
    }
    std::string got_name;
    for (int g : gots) got_name += (got_name.empty() ? "" : ",") + sys::errno_name(g);
    if (!expected) {
        j.verdict = Verdict::Ran;
        j.reason = got_name;
        return j;
    }
    // -1 in the set: any result conforms (recorded for diffs, see session::kAnyResult).
    bool any = std::find(expected->begin(), expected->end(), -1) != expected->end();
    bool ok = true;
    for (int g : gots) ok &= any || std::find(expected->begin(), expected->end(), g) != expected->end();
    j.verdict = ok ? Verdict::Pass : Verdict::Fail;
    std::string want;
    for (int e : *expected) want += (want.empty() ? "" : "|") + (e < 0 ? std::string("*") : sys::errno_name(e));
    j.reason = ok ? got_name : "got " + got_name + ", expected " + want;
    return j;
}

}  // namespace mh::verdict
