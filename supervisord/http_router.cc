#include "supervisord/http_router.h"

namespace sup {

void HttpRouter::add(std::string method, std::string path, HttpHandler handler, Match match) {
  routes_.push_back(Route{std::move(method), std::move(path), match, std::move(handler)});
}

const HttpHandler* HttpRouter::find(std::string_view method, std::string_view path,
                                    int* status) const {
  bool path_known = false;
  for (const Route& r : routes_) {
    bool hit = path == r.path;
    if (!hit && r.match == Match::kPrefix && path.size() > r.path.size() &&
        path.substr(0, r.path.size()) == r.path && path[r.path.size()] == '/') {
      hit = true;
    }
    if (!hit) continue;
    if (r.method == method) return &r.handler;
    path_known = true;
  }
  *status = path_known ? 400 : 404;
  return nullptr;
}

}  // namespace sup
