// The sample configuration echo_supervisord_conf prints: Supervisor 4.2.5's
// own skel/sample.conf, byte for byte (sample.conf beside this file, compiled
// in at build time). It is Supervisor's documentation, kept unmodified under
// its BSD-derived licence (see packaging/debian/copyright): users follow
// guides that say "uncomment the [inet_http_server] section" of exactly this
// text, and both our supervisord and Python's load it as it is.
#pragma once

#include <string_view>

namespace sup {

std::string_view sampleConfig();

}  // namespace sup
