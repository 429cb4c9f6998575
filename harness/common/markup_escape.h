// Escaping arbitrary bytes into XML 1.0 / HTML text and attribute values that stay well-formed.
#pragma once

#include <string>
#include <string_view>

namespace mh {

// Kernel consoles and kmsg hold arbitrary bytes, and XML 1.0 cannot carry most control
// characters even as character references. So: & < > " ' become entities; TAB/LF/CR are kept in
// text (CR as &#13; so parsers do not fold it) and become &#9; &#10; &#13; in attributes (or
// attribute normalisation would turn them into spaces); other C0 controls, DEL, C1 controls,
// U+FFFE/U+FFFF and bytes that are not valid UTF-8 become the visible text "\xNN" per byte.
std::string markup_text(std::string_view s);
std::string markup_attr(std::string_view s);

}  // namespace mh
