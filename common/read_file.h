// A whole file into a string with open()/read(): the daemon links no
// iostreams, because any std::ifstream or std::stringstream pulls
// libstdc++'s locale machinery (about 300 KB of code, most of it resident)
// into the statically linked binary.
#pragma once

#include <optional>
#include <string>

namespace sup {

/// The file's bytes, or nullopt when it cannot be opened or read (a
/// directory fails with EISDIR, as Python's open() does).
std::optional<std::string> readWholeFile(const std::string& path);

}  // namespace sup
