// libFuzzer target for backend::Redactor: whatever libpq (PQconninfoParse) reads as the
// password must never show in the redacted connection string, nor in any text that holds it
// after Redactor::text. Each input is tried as given (a URL or a key=value string) and
// after "postgresql://", so the URL reading is exercised on arbitrary bytes too.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "backend/postgres/url.hpp"
#include "backend/redact.hpp"

namespace {

using migrate::backend::Redactor;

[[noreturn]] void leak(const char* where, const std::string& input, const std::string& password,
                       const std::string& output) {
  std::fprintf(stderr, "password leaked in %s\n  input:    [%s]\n  password: [%s]\n  output:   [%s]\n", where,
               input.c_str(), password.c_str(), output.c_str());
  std::abort();
}

/// A password this long must not appear anywhere; a shorter one must not appear in text
/// that was not withheld outright (its surroundings decide, so only the withheld-or-absent
/// rule can be checked).
///
/// An occurrence that overlaps the mask `***` is no leak: the redactor put the mask where the
/// password was, so what surrounds it comes from the text (a password `"***"` is "found" in
/// the correctly redacted `"***"`).
bool shows(const std::string& text, const std::string& password) {
  const std::string mask = "***";
  for (auto at = text.find(password); at != std::string::npos; at = text.find(password, at + 1)) {
    bool on_mask = false;
    for (auto m = text.find(mask); m != std::string::npos && m < at + password.size(); m = text.find(mask, m + 1))
      if (m + mask.size() > at) on_mask = true;
    if (!on_mask) return true;
  }
  return false;
}

void check_text(const Redactor& redactor, const std::string& input, const std::string& password) {
  for (const std::string& text : {"error: " + password + " at the end", "\"" + password + "\"", password}) {
    std::string out = redactor.text(text);
    if (out != migrate::backend::k_withheld_message && shows(out, password)) leak("text", input, password, out);
  }
}

void check(const std::string& input) {
  auto passwords = migrate::backend::postgres::libpq_passwords(input);
  Redactor redactor(input);
  const std::string& shown = redactor.shown();
  // The withheld marker is fixed text: a password that happens to be part of it shows nothing.
  bool withheld = shown == migrate::backend::k_withheld_connection_string;
  if (!passwords) return;
  // libpq's reading of what is shown: none of the original passwords, however short.
  // (Masking may make libpq read other text as a password; that text was never secret.)
  if (auto again = migrate::backend::postgres::libpq_passwords(shown); again && !withheld)
    for (const auto& p : *again)
      for (const auto& password : *passwords)
        if (!p.empty() && p != "***" && p == password) leak("shown (libpq reads it back)", input, p, shown);
  for (const auto& password : *passwords) {
    if (password.empty()) continue;  // nothing to leak
    if (!withheld && password.size() >= 4 && shows(shown, password)) leak("shown", input, password, shown);
    check_text(redactor, input, password);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // libpq reads C strings: the text ends at the first NUL.
  std::string input(reinterpret_cast<const char*>(data), size);
  input = input.c_str();
  check(input);
  check("postgresql://" + input);
  return 0;
}
