#include "supervisord/http_auth.h"

#include "supervisord/base64.h"
#include "supervisord/sha1.h"

namespace sup {
namespace {

bool sameBytes(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return diff == 0;
}

}  // namespace

std::optional<Credentials> parseBasicAuthorization(std::string_view value) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  std::size_t sp = value.find(' ');
  if (sp != 5) return std::nullopt;
  std::string scheme(value.substr(0, 5));
  for (char& c : scheme) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (scheme != "basic") return std::nullopt;
  auto decoded = base64Decode(value.substr(6));
  if (!decoded) return std::nullopt;
  std::size_t colon = decoded->find(':');
  if (colon == std::string::npos) return std::nullopt;
  return Credentials{decoded->substr(0, colon), decoded->substr(colon + 1)};
}

bool passwordMatches(std::string_view stored, std::string_view given) {
  constexpr std::string_view kSha = "{SHA}";
  if (stored.substr(0, kSha.size()) == kSha) {
    return sameBytes(stored.substr(kSha.size()), sha1Hex(given));
  }
  return sameBytes(stored, given);
}

bool credentialsAccepted(const std::optional<std::string>& username,
                         const std::optional<std::string>& password, std::string_view given_user,
                         std::string_view given_password) {
  if (!username) return true;
  bool user_ok = sameBytes(*username, given_user);
  bool password_ok = passwordMatches(password.value_or(""), given_password);
  return user_ok && password_ok;
}

}  // namespace sup
