// The web status page's stylesheet and script, compiled into the daemon
// (no CDN, nothing fetched): web_page.cc embeds both in the one page.
#pragma once

namespace sup::web {

extern const char kPageCss[];
/// Makes the server-rendered page live: rows follow GET /events (Server-Sent
/// Events), filters apply as one types, actions are fetch POSTs carrying
/// the token header, Tail follows GET /logtail/NAME as a stream, Grep shows
/// GET /grep's text. Everything it shows goes through textContent.
extern const char kPageScript[];

}  // namespace sup::web
