#pragma once
namespace sup {
/// This build's version string (CMake project version).
const char* clientVersion();
}  // namespace sup
