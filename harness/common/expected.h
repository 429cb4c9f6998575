// Errors as values: Expected<T> holds a T or an Error, for every reader of untrusted bytes.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>

namespace mh {

// What kind of failure an error is: decides the CLI's exit code (one mapping, cli/exit_code.h)
// without side flags or matching message text.
enum class ErrorKind : std::uint8_t {
    kInput,  // bytes, files or values that do not parse or break a limit (the default)
    kUsage,  // a bad command line: unknown option, bad number, unknown name
    kEnvironment,  // something the machine lacks: a kernel, QEMU, headers, network, a tool
    kStorage,  // results could not be stored: disk full, read-only, I/O error
    kInterrupted,  // the user interrupted (Ctrl-C, SIGTERM)
};

// An error with a human-readable message. Messages name the object, the field,
// the offending value and the limit it broke, so a user can act on them.
struct Error {
    std::string message;
    ErrorKind kind = ErrorKind::kInput;
};

inline Error make_error(std::string message, ErrorKind kind = ErrorKind::kInput) { return Error{std::move(message), kind}; }
inline Error usage_error(std::string message) { return make_error(std::move(message), ErrorKind::kUsage); }
inline Error environment_error(std::string message) { return make_error(std::move(message), ErrorKind::kEnvironment); }
inline Error storage_error(std::string message) { return make_error(std::move(message), ErrorKind::kStorage); }
inline Error interrupted_error(std::string message) { return make_error(std::move(message), ErrorKind::kInterrupted); }

template <typename T>
class [[nodiscard]] Expected {
public:
    Expected(T value) : v_(std::move(value)) {}
    Expected(Error error) : v_(std::move(error)) {}

    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & { return std::get<0>(v_); }
    const T& value() const& { return std::get<0>(v_); }
    T&& value() && { return std::get<0>(std::move(v_)); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    const Error& error() const { return std::get<1>(v_); }
    template <typename U>
    T value_or(U&& fallback) const& {
        return ok() ? value() : T(std::forward<U>(fallback));
    }
    // On a temporary (read_text_file(p).value_or("")) the value is moved out, not copied.
    template <typename U>
    T value_or(U&& fallback) && {
        return ok() ? std::move(*this).value() : T(std::forward<U>(fallback));
    }

private:
    std::variant<T, Error> v_;
};

// Expected<void>: success or an Error.
struct Ok {};
using Status = Expected<Ok>;
inline Status ok_status() { return Ok{}; }

}  // namespace mh

// Propagate an error from an Expected expression, otherwise bind its value.
#define MH_TRY_ASSIGN(var, expr) \
    auto var##_expected_ = (expr); \
    if (!var##_expected_.ok()) return var##_expected_.error(); \
    auto var = std::move(var##_expected_).value()

#define MH_TRY(expr) \
    do { \
        auto mh_status_ = (expr); \
        if (!mh_status_.ok()) return mh_status_.error(); \
    } while (0)
