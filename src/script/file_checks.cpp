#include "script/file_checks.hpp"

#include <cstdlib>

#include <algorithm>
#include <cstdio>
#include <string>

#include "core/error.hpp"
#include "sql/lexer.hpp"
#include "util/strings.hpp"

namespace migrate::script {

namespace {

[[noreturn]] void fail(const FilePath& path, const std::string& where, const std::string& what,
                       std::string hint) {
  // `where` is "LINE" or "LINE:COLUMN"; the line is also carried as a field.
  throw Error(ErrorKind::script, path.string() + ":" + where + ": " + what, std::move(hint))
      .located({.file = path.string(), .line = std::atoi(where.c_str())});
}

// ---------------------------------------------------------------------------------------
// Encoding

constexpr std::string_view k_bom = "\xEF\xBB\xBF";

// Without a byte-order mark, UTF-16 text that is mostly ASCII (as a revision file is) has a
// zero byte in every pair: the second one for little-endian, the first for big-endian.
// Returns "little-endian", "big-endian" or "".
std::string_view utf16_without_bom(std::string_view raw) {
  const std::size_t pairs = std::min<std::size_t>(raw.size() / 2, 64);
  if (pairs < 2) return "";
  std::size_t le = 0, be = 0;
  for (std::size_t i = 0; i < pairs; ++i) {
    const char a = raw[2 * i], b = raw[2 * i + 1];
    le += a != '\0' && b == '\0';
    be += a == '\0' && b != '\0';
  }
  if (le * 4 >= pairs * 3) return "little-endian";
  if (be * 4 >= pairs * 3) return "big-endian";
  return "";
}

// ---------------------------------------------------------------------------------------
// Control characters

// FF (form feed) is allowed: both SQL dialects read it as whitespace and editors use it as
// a page break. VT is refused: PostgreSQL before 16 rejects it outside strings.
constexpr bool is_refused_control(unsigned char c) {
  return c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f';
}

std::string control_name(unsigned char c) {
  static constexpr const char* k_names[32] = {"NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL",
                                              "BS",  "TAB", "LF",  "VT",  "FF",  "CR",  "SO",  "SI",
                                              "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB",
                                              "CAN", "EM",  "SUB", "ESC", "FS",  "GS",  "RS",  "US"};
  char code[8];
  std::snprintf(code, sizeof code, "0x%02X", static_cast<unsigned>(c));
  return std::string(code) + " (" + k_names[c & 0x1F] + ")";
}

// ---------------------------------------------------------------------------------------
// SQL sections

// True when only blanks stand between the start of the line holding `pos` and `pos`.
bool first_on_line(std::string_view sql, std::size_t pos) {
  while (pos > 0 && sql[pos - 1] != '\n') {
    if (sql[pos - 1] != ' ' && sql[pos - 1] != '\t') return false;
    --pos;
  }
  return true;
}

// `\name` as written (the backslash and the word after it), for the message.
std::string meta_command_name(std::string_view sql, std::size_t backslash) {
  std::size_t end = backslash + 1;
  while (end < sql.size() && !util::is_space(sql[end]) && end - backslash < 32) ++end;
  return std::string(sql.substr(backslash, end - backslash));
}

// psql reads a line starting with a backslash as one of its own commands; a database never
// does. Only code counts: the lexer knows where strings, dollar-quoted bodies and comments
// are, so `E'a\n\b'` spanning lines is fine.
void check_meta_commands(const FilePath& path, const SqlSection& section, Dialect dialect) {
  if (section.sql.find('\\') == std::string::npos) return;  // the common case: nothing to lex
  sql::Lexer lexer(section.sql, dialect, section.first_line);
  sql::Token token;
  bool statement_start = true;
  while (lexer.next(token)) {
    if (!token.is_significant()) continue;
    if (statement_start && token.text == "\\" && first_on_line(section.sql, token.begin)) {
      fail(path, std::to_string(token.line),
           "psql meta-command `" + meta_command_name(section.sql, token.begin) + "` in the SQL",
           "psql meta-commands are not SQL and the database would reject them: remove the line (pg_dump 17.6 "
           "and later write `\\restrict KEY` at the top of a plain dump and `\\unrestrict KEY` at its end; "
           "delete both lines)");
    }
    statement_start = token.kind == sql::TokenKind::semicolon;
  }
}

// `PRAGMA [schema.]foreign_keys` starting at tokens[i] (comments already dropped).
bool is_foreign_keys_pragma(const std::vector<sql::Token>& tokens, std::size_t i) {
  if (!tokens[i].is_keyword("pragma")) return false;
  std::size_t name = i + 1;
  if (name + 2 < tokens.size() && tokens[name + 1].is_punct('.')) name += 2;  // main.foreign_keys
  return name < tokens.size() && tokens[name].is_keyword("foreign_keys");
}

void check_foreign_keys_pragma(const FilePath& path, const SqlSection* section) {
  if (section == nullptr) return;
  constexpr std::string_view name = "foreign_keys";
  const auto hit = std::search(section->sql.begin(), section->sql.end(), name.begin(), name.end(),
                               [](char a, char b) { return (a >= 'A' && a <= 'Z' ? a + ('a' - 'A') : a) == b; });
  if (hit == section->sql.end()) return;  // the common case: nothing to lex
  std::vector<sql::Token> tokens = sql::tokenize(section->sql, Dialect::sqlite, section->first_line);
  std::erase_if(tokens, [](const sql::Token& t) { return !t.is_significant(); });
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (!is_foreign_keys_pragma(tokens, i)) continue;
    fail(path, std::to_string(tokens[i].line), "`PRAGMA foreign_keys` in a transactional revision",
         "SQLite ignores PRAGMA foreign_keys inside a transaction, and migrate runs this revision in one, "
         "so the line would do nothing; remove it: migrate already turns foreign keys off before each "
         "transaction and checks the tables the revision touched before it commits (`foreign_key_check` in "
         "migrate.toml); or declare `-- transactional = false` in the header if the revision really turns "
         "foreign keys on or off itself");
  }
}

}  // namespace

void check_encoding(const FilePath& path, std::string_view raw) {
  const bool le_bom = raw.starts_with("\xFF\xFE"), be_bom = raw.starts_with("\xFE\xFF");
  std::string_view order = le_bom ? "little-endian" : be_bom ? "big-endian" : utf16_without_bom(raw);
  if (!order.empty()) {
    fail(path, "1",
         "the file is UTF-16 (" + std::string(order) + (le_bom || be_bom ? ", with" : ", without") +
             " a byte-order mark), not UTF-8",
         "save it as UTF-8 (in PowerShell, `Out-File -Encoding utf8`; `iconv -f UTF-16 -t UTF-8` converts it)");
  }
  if (raw.starts_with(k_bom) && raw.substr(k_bom.size()).starts_with(k_bom)) {
    fail(path, "1", "the file starts with two UTF-8 byte-order marks",
         "remove the extra one: save the file as UTF-8 without a BOM, or delete the first 3 bytes");
  }
  if (raw.find('\r') != std::string_view::npos && raw.find('\n') == std::string_view::npos) {
    fail(path, "1", "the file has CR-only line endings (classic Mac OS), so it reads as a single line",
         "save it with LF (or CRLF) line endings, e.g. `tr '\\r' '\\n' < FILE > FILE.new`");
  }
}

void check_control_characters(const FilePath& path, std::string_view text) {
  const auto it = std::find_if(text.begin(), text.end(),
                               [](char c) { return is_refused_control(static_cast<unsigned char>(c)); });
  if (it == text.end()) return;
  const auto offset = static_cast<std::size_t>(it - text.begin());
  const std::string_view before = text.substr(0, offset);
  const auto line = 1 + std::count(before.begin(), before.end(), '\n');
  const std::size_t line_start = before.rfind('\n') == std::string_view::npos ? 0 : before.rfind('\n') + 1;
  fail(path, std::to_string(line) + ":" + std::to_string(offset - line_start + 1),
       "control character " + control_name(static_cast<unsigned char>(*it)) + " in the file",
       "a revision file is plain text; delete the character (only tab, line feed, carriage return and form feed "
       "may appear; a NUL often comes from a binary paste or a file saved as UTF-16)");
}

void check_sections(const RevisionFile& file) {
  for (const auto* sections : {&file.upgrade_sections(), &file.downgrade_sections()}) {
    for (const auto& [dialect, section] : *sections) {
      const Dialect lexed_as = dialect == "sqlite" ? Dialect::sqlite : Dialect::postgresql;
      check_meta_commands(file.path, section, lexed_as);
    }
  }
  if (!file.transactional) return;
  check_foreign_keys_pragma(file.path, file.upgrade_for(Dialect::sqlite));
  check_foreign_keys_pragma(file.path, file.downgrade_for(Dialect::sqlite));
}

}  // namespace migrate::script
