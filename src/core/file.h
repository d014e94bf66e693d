// file.h: a whole file read into memory, with an error that names it.
#pragma once

#include <string>

#include "core/result.h"

namespace shanshui {

/// The bytes of `path`, or "<path>: cannot open".
Result<std::string> read_file(const std::string& path);

}  // namespace shanshui
