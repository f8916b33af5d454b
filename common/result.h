// Errors are values: a fallible function returns Result<T>, which holds either
// the value or an Error carrying the exact user-facing text.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace sup {

/// A failure with the exact message the user sees (no "Error: " prefix; the
/// caller that prints it adds whatever framing Supervisor uses there).
struct Error {
  std::string message;
};

/// Either a T or an Error. Deliberately tiny: ok(), value(), error().
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit on purpose
  Result(Error error) : v_(std::move(error)) {}  // NOLINT: implicit on purpose
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

/// Result of an operation with no value.
struct Unit {};
using Status = Result<Unit>;
inline Status okStatus() {
  return Unit{};
}

}  // namespace sup

/// Inside a function returning a Result or Status: evaluate `expr` (a
/// Result), return its error if it has one, else bind its value to `var`.
#define SUP_TRY(var, expr)                   \
  auto var##_r = (expr);                     \
  if (!var##_r.ok()) return var##_r.error(); \
  auto var = std::move(*var##_r)

/// The same, storing the value into an existing `target`.
#define SUP_SET(target, expr)                        \
  do {                                               \
    auto sup_set_r_ = (expr);                        \
    if (!sup_set_r_.ok()) return sup_set_r_.error(); \
    target = std::move(*sup_set_r_);                 \
  } while (0)
