// Who may use a server section that sets username= and password=: HTTP Basic
// credentials as Supervisor's medusa auth handler reads them, and the
// password check both protocols share (the JSON "auth" method and HTTP), with
// Supervisor's "{SHA}<sha1 hex>" stored passwords. Pure code.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sup {

struct Credentials {
  std::string username;
  std::string password;
};

/// An Authorization header value "Basic <base64 of user:password>" (scheme
/// case-insensitive); nullopt for another scheme, bad base64 or no ':'.
std::optional<Credentials> parseBasicAuthorization(std::string_view header_value);

/// Supervisor's check: a stored "{SHA}<hex>" matches when sha1(given) has
/// that hex digest, any other stored password when it equals `given`.
/// Compared in constant time for equal lengths.
bool passwordMatches(std::string_view stored, std::string_view given);

/// True when no username is configured, or these credentials match it.
bool credentialsAccepted(const std::optional<std::string>& username,
                         const std::optional<std::string>& password, std::string_view given_user,
                         std::string_view given_password);

}  // namespace sup
