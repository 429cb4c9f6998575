// The evidence of one case as plain text lines: inputs, got vs expected, man page, kmsg, console.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace mh::conformance {

// An errno set for people: "EIO|EINVAL"; ["*"] (any result is recorded) -> "any"; [] -> `empty_text`.
std::string errno_set_text(const std::vector<std::string>& set, const std::string& empty_text = "-");
// The man page's set: "silent" when the page says nothing.
std::string man_text(const nlohmann::json& c);
// "got EINVAL, expected EIO" / "no result, expected EIO".
std::string got_vs_expected(const nlohmann::json& c);
// "call=finit fd=closed flags=256 image=seed:sentinel" from the case's input object (keys sorted).
std::string input_words(const nlohmann::json& c);
// The case's kernel log notices (signals besides its errno: "stack-dump, sysfs-duplicate"); ""
// when it has none. A PASS with notices passed, but the kernel complained on the way.
std::string notes_text(const nlohmann::json& c);
// Multi-line, unescaped evidence for a JUnit failure/error body (the writer escapes it).
std::string evidence_text(const nlohmann::json& c);

}  // namespace mh::conformance
