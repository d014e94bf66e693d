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
