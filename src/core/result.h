// result.h: Result<T> and Status, the way expected failures travel through shanshui.
#pragma once

#include <string>
#include <tl/expected.hpp>
#include <utility>

namespace shanshui {

/// An expected failure: a message that names what went wrong and where.
struct Error {
  std::string message;
};

/// A value or an Error. Use for every failure a user can cause (bad file, unknown id, ...).
template <class T>
using Result = tl::expected<T, Error>;

/// Success or an Error.
using Status = Result<void>;

/// Builds the failure side of a Result: `return fail("plan.yaml:12: unknown department");`.
inline tl::unexpected<Error> fail(std::string message) { return tl::unexpected<Error>(Error{std::move(message)}); }

}  // namespace shanshui

/// Propagates a failed Result or Status from the enclosing function (which returns a Result or a
/// Status): `SS_TRY(store.audit(...));`. The one spelling of "return the error if there is one".
#define SS_TRY(expr)                                                  \
  do {                                                                \
    const auto& ss_try_result = (expr);                               \
    if (!ss_try_result) return tl::unexpected(ss_try_result.error()); \
  } while (0)
