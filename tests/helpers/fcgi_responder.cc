// Test child for [fcgi-program:x]: a FastCGI-style server that does not
// speak FastCGI. It accepts connections on the listening socket it was
// given as fd 0 (as php-cgi and flup do); for each one it reads a line and
// answers "<SUPERVISOR_PROCESS_NAME> <pid> <line>\n", then closes it, and
// prints "answered <line>" on stdout. It starts by printing
// "fcgi_responder <name> listening on unix|inet". If fd 0 is not a
// listening socket it says so on stderr and exits 3.
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>

int main() {
  int listening = 0;
  socklen_t len = sizeof listening;
  int domain = 0;
  socklen_t dlen = sizeof domain;
  if (getsockopt(0, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) < 0 || !listening ||
      getsockopt(0, SOL_SOCKET, SO_DOMAIN, &domain, &dlen) < 0) {
    std::fprintf(stderr, "fd 0 is not a listening socket\n");
    return 3;
  }
  const char* name = std::getenv("SUPERVISOR_PROCESS_NAME");
  std::string me = name ? name : "?";
  std::printf("fcgi_responder %s listening on %s\n", me.c_str(),
              domain == AF_UNIX ? "unix" : "inet");
  std::fflush(stdout);
  while (true) {
    int conn = accept(0, nullptr, nullptr);
    if (conn < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      std::perror("accept");
      return 4;
    }
    std::string line;
    char c;
    while (line.size() < 1024 && read(conn, &c, 1) == 1 && c != '\n') line += c;
    std::string reply = me + " " + std::to_string(getpid()) + " " + line + "\n";
    if (write(conn, reply.data(), reply.size()) < 0) std::perror("write");
    close(conn);
    std::printf("answered %s\n", line.c_str());
    std::fflush(stdout);
  }
}
