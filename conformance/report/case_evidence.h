// The evidence of one case as plain text lines: inputs, got vs expected, man page, kmsg, console.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace mh::conformance {

// "got EINVAL, expected EIO" / "no result, expected EIO".
std::string got_vs_expected(const nlohmann::json& c);
// "call=finit fd=closed flags=256 image=seed:sentinel" from the case's input object (keys sorted).
std::string input_words(const nlohmann::json& c);
// Multi-line, unescaped evidence for a JUnit failure/error body (the writer escapes it).
std::string evidence_text(const nlohmann::json& c);

}  // namespace mh::conformance
