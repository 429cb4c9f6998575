// A LAVA job log (lava-run's stderr, or the output.yaml a LAVA server keeps): one record per
// line, `{"dt": "...", "lvl": "...", "msg": ...}` in YAML's double-quoted flow style, optionally
// as a list item ("- {...}"). Read as untrusted text: bad lines are counted, never fatal.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "harness/common/expected.h"

namespace mh::lava {

struct LavaTestCase {
    std::string definition;  // the monitor's name, or "lava" for LAVA's own actions
    std::string name;  // the test case id
    std::string result;  // pass | fail | skip | unknown
    std::string measurement;  // as logged ("" when none)
};

struct JobLog {
    std::string console;  // the target's console: one line per "target" or "feedback" record
    std::vector<LavaTestCase> results;  // "results" records, in order
    std::vector<std::string> errors;  // "error" / "exception" messages
    size_t records = 0;
    size_t bad_lines = 0;  // lines that are not a record
};

JobLog parse_job_log(const std::string& text);

// One record line as a flat map (nested mappings as "msg.case", "msg.result"...); an error
// for a line that is not a flow mapping of double-quoted scalars.
Expected<std::map<std::string, std::string>> parse_record(const std::string& line);

}  // namespace mh::lava
