// Tagging the kind of errors that leave a room: a room whose failures all mean one thing (the kernel
// cache: the machine lacks a kernel) tags what its entry points return, keeping kinds set deeper.
#pragma once

#include <string>
#include <utility>

#include "harness/common/expected.h"

namespace mh {

// `error` with `kind` if it still has the default kind (kInput); a usage or storage error stays one.
inline Error with_default_kind(Error error, ErrorKind kind) {
    if (error.kind == ErrorKind::kInput) error.kind = kind;
    return error;
}

template <typename T>
Expected<T> with_default_kind(Expected<T> result, ErrorKind kind) {
    if (!result) return with_default_kind(result.error(), kind);
    return result;
}

// A message wrapped with context ("seed modules: ...") keeping the wrapped error's kind.
inline Error with_context(const std::string& context, const Error& error) { return Error{context + error.message, error.kind}; }

}  // namespace mh
