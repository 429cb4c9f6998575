// Terminal output for case runs: the per-case table and the verdict summary.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "harness/session/run_session.h"

namespace mh::cli {

// One row per case: idx, id, call, verdict, errno, expected, duration, reason.
void print_case_table(std::FILE* out, const std::vector<session::CaseRecord>& records);
// "12 cases: 10 PASS, 1 FAIL, 1 KERNEL" and run facts.
void print_summary(std::FILE* out, const session::SessionResult& r);
// Why a run stopped early (SessionResult::stopped) and what to do about it, in one line.
std::string stopped_message(const session::SessionResult& r);
// kExitOk, or kExitFindings when any FAIL/BROK/KERNEL.
int exit_code_for(const std::vector<session::CaseRecord>& records);
// The same, with kernel reports between cases (SessionResult::events) counted as KERNEL.
int exit_code_for(const session::SessionResult& r);

}  // namespace mh::cli
