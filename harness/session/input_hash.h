// The fingerprint of a case's resolved input, recorded with its result so --resume can tell an
// unchanged case from an edited one (docs/results.md, "input_hash").
#pragma once

#include <string>
#include <string_view>

#include "harness/common/kv.h"

namespace mh::session {

// The case line's key=value words sorted by key, escaped as in case files: spacing and key
// order do not change it, any value does.
std::string canonical_case_line(const KvRecord& line);

// "fnv1a64:<16 hex digits>": 64-bit FNV-1a over `canonical`, one '\n', then the image bytes the
// guest loads (after malformations; empty for image=none). A change detector, not a security
// hash: results.jsonl is the user's own file.
std::string input_hash(std::string_view canonical, std::string_view image_bytes);

// "fnv1a64:<16 hex digits>" over the image bytes alone: which image ran, comparable across
// cases and runs whatever their case lines say (input_hash also covers the line).
std::string image_hash(std::string_view image_bytes);

}  // namespace mh::session
