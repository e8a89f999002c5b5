#include "script/revision_file.hpp"

#include <algorithm>
#include <mutex>
#include <stdexcept>
#include <string>
#include <unordered_set>

#include "toml/reader.hpp"
#include "core/error.hpp"
#include "script/file_checks.hpp"
#include "util/files.hpp"
#include "util/sha256.hpp"
#include "util/strings.hpp"

namespace migrate::script {

namespace {

using toml::TomlEntry;
using toml::TomlValue;

constexpr std::string_view k_header_hint =
    "A revision file starts with `-- migrate:revision` followed by `-- revision = \"<id>\"`; "
    "`migrate revision -m MESSAGE` writes one";

[[noreturn]] void fail(const FilePath& path, int line, const std::string& what,
                       std::string hint = {}) {
  // The location is also carried as fields, so JSON errors and `check` name it without parsing.
  throw Error(ErrorKind::script, path.string() + ":" + std::to_string(line) + ": " + what, std::move(hint))
      .located({.file = path.string(), .line = line});
}

// ---------------------------------------------------------------------------------------
// Fast path for the header. Nearly every header is `key = "string"`, `key = [...strings]`,
// `key = true` or `key = 123`, one per line; parsing those by hand keeps loading thousands of
// files cheap. Anything else (escapes, multi-line arrays, dotted keys, a syntax error) makes
// the whole header go through toml++, so both paths accept exactly the same documents and
// toml++ reports the errors.

bool is_bare_key_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

void skip_blanks(std::string_view s, std::size_t& i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
}

bool simple_string(std::string_view s, std::size_t& i, std::string& out) {
  const char quote = s[i];
  if (quote != '"' && quote != '\'') return false;
  std::size_t j = i + 1;
  while (j < s.size() && s[j] != quote) {
    if (s[j] == '\\' && quote == '"') return false;  // escapes: toml++ decodes them
    ++j;
  }
  if (j >= s.size()) return false;
  if (j == i + 1 && j + 1 < s.size() && s[j + 1] == quote) return false;  // """ or '''
  out.assign(s.substr(i + 1, j - i - 1));
  i = j + 1;
  return true;
}

bool at_value_end(std::string_view s, std::size_t i) {
  return i >= s.size() || s[i] == ' ' || s[i] == '\t' || s[i] == '#' || s[i] == ',' || s[i] == ']';
}

// One header line; false means "not simple, let toml++ decide".
bool simple_line(std::string_view line, int toml_line, std::vector<TomlEntry>& out) {
  for (char ch : line) {
    const auto byte = static_cast<unsigned char>(ch);
    // Non-ASCII (toml++ checks the UTF-8) or a control character anywhere, comments included.
    if (byte >= 0x80 || byte == 0x7f || (byte < 0x20 && ch != '\t')) return false;
  }
  std::size_t i = 0;
  skip_blanks(line, i);
  if (i >= line.size() || line[i] == '#') return true;
  const std::size_t key_start = i;
  while (i < line.size() && is_bare_key_char(line[i])) ++i;
  if (i == key_start) return false;
  TomlEntry entry;
  entry.key.assign(line.substr(key_start, i - key_start));
  skip_blanks(line, i);
  if (i >= line.size() || line[i] != '=') return false;
  ++i;
  skip_blanks(line, i);
  if (i >= line.size()) return false;
  TomlValue& v = entry.value;
  v.line = toml_line;
  const char c = line[i];
  if (c == '"' || c == '\'') {
    v.type = TomlValue::Type::string;
    if (!simple_string(line, i, v.text)) return false;
  } else if (c == '[') {
    v.type = TomlValue::Type::array;
    ++i;
    for (;;) {
      skip_blanks(line, i);
      if (i >= line.size()) return false;
      if (line[i] == ']') {
        ++i;
        break;
      }
      TomlValue item;
      item.line = toml_line;
      if (!simple_string(line, i, item.text)) return false;
      v.items.push_back(std::move(item));
      skip_blanks(line, i);
      if (i < line.size() && line[i] == ',') {
        ++i;
      } else if (i >= line.size() || line[i] != ']') {
        return false;
      }
    }
  } else if (line.substr(i, 4) == "true" && at_value_end(line, i + 4)) {
    v.type = TomlValue::Type::boolean;
    v.boolean = true;
    i += 4;
  } else if (line.substr(i, 5) == "false" && at_value_end(line, i + 5)) {
    v.type = TomlValue::Type::boolean;
    i += 5;
  } else if ((c >= '0' && c <= '9') || c == '-' || c == '+') {
    std::size_t j = (c == '-' || c == '+') ? i + 1 : i;
    const std::size_t digits = j;
    while (j < line.size() && line[j] >= '0' && line[j] <= '9') ++j;
    if (j == digits || j - digits > 18 || (line[digits] == '0' && j - digits > 1)) return false;
    if (!at_value_end(line, j) || (j < line.size() && (line[j] == ',' || line[j] == ']'))) return false;
    v.type = TomlValue::Type::integer;
    v.integer = std::stoll(std::string(line.substr(digits, j - digits)));
    if (c == '-') v.integer = -v.integer;
    i = j;
  } else {
    return false;
  }
  skip_blanks(line, i);
  if (i < line.size() && line[i] != '#') return false;
  for (const auto& e : out) {
    if (e.key == entry.key) return false;  // duplicate: toml++ words the error
  }
  out.push_back(std::move(entry));
  return true;
}

// ---------------------------------------------------------------------------------------

struct Directive {
  std::string name;
  std::vector<std::string> options;
};

// `-- migrate:NAME opt...` (spaces between `--` and `migrate:` optional), else nullopt.
std::optional<Directive> directive_of(std::string_view line) {
  if (!line.starts_with("--")) return std::nullopt;
  std::size_t i = 2;
  skip_blanks(line, i);
  if (line.substr(i, 8) != "migrate:") return std::nullopt;
  i += 8;
  Directive d;
  std::size_t start = i;
  while (i < line.size() && !util::is_space(line[i])) ++i;
  d.name.assign(line.substr(start, i - start));
  // `-- migrate:lint-ignore RULE reason` is a comment for `migrate lint`, not a directive: it
  // stands inside a section (or before the header) and must neither end nor open one.
  if (d.name == "lint-ignore") return std::nullopt;
  for (;;) {
    while (i < line.size() && util::is_space(line[i])) ++i;
    if (i >= line.size()) break;
    start = i;
    while (i < line.size() && !util::is_space(line[i])) ++i;
    d.options.emplace_back(line.substr(start, i - start));
  }
  return d;
}

class Parser {
 public:
  Parser(const FilePath& path, std::string_view text, RevisionFile& file)
      : m_path(path), m_file(file), m_text(text) {}

  void parse() {
    const std::string_view text = m_text;
    int line_no = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
      std::size_t eol = text.find('\n', pos);
      const std::size_t next = eol == std::string_view::npos ? text.size() : eol + 1;
      if (eol == std::string_view::npos) eol = text.size();
      ++line_no;
      on_line(pos, text.substr(pos, eol - pos), line_no);
      pos = next;
    }
    finish();
  }

 private:
  enum class State { before_header, header, between, section };

  void on_line(std::size_t line_start, std::string_view line, int line_no) {
    const std::string_view content = util::trim_right(line);
    if (auto d = directive_of(content)) {
      close_header();
      close_section(line_start);
      directive(*d, line_no, line_start + line.size() + 1);
      return;
    }
    switch (m_state) {
      case State::section:
        return;
      case State::header:
        if (content.starts_with("--")) {
          std::string_view toml = content.substr(2);
          if (!toml.empty() && toml[0] == ' ') toml.remove_prefix(1);
          m_header_lines.push_back(toml);
          return;
        }
        close_header();
        break;
      case State::before_header:
      case State::between:
        break;
    }
    if (util::trim(content).empty() || util::trim_left(content).starts_with("--")) return;
    if (m_state == State::before_header) {
      if (m_stray_line == 0) m_stray_line = line_no;
      return;
    }
    fail(m_path, line_no, "SQL outside a section",
         "put SQL under `-- migrate:upgrade` or `-- migrate:downgrade`");
  }

  void directive(const Directive& d, int line_no, std::size_t body_start) {
    if (d.name == "revision") {
      if (!d.options.empty()) fail(m_path, line_no, "`-- migrate:revision` takes no options",
                                       "write the header keys on the `--` lines below it");
      if (m_file.header_line != 0) {
        fail(m_path, line_no,
             "second `-- migrate:revision` header (the first is at line " + std::to_string(m_file.header_line) + ")",
             "a file holds one revision; move the second one to a file of its own");
      }
      if (m_stray_line != 0) {
        fail(m_path, m_stray_line, "SQL before the `-- migrate:revision` header",
             "only `--` comment lines may come before the header");
      }
      m_file.header_line = line_no;
      m_state = State::header;
      return;
    }
    if (d.name != "upgrade" && d.name != "downgrade") {
      fail(m_path, line_no, "unknown directive `-- migrate:" + d.name + "`",
           "the directives are `-- migrate:revision`, `-- migrate:upgrade` and `-- migrate:downgrade`");
    }
    if (m_file.header_line == 0) {
      fail(m_path, line_no, "`-- migrate:" + d.name + "` before the `-- migrate:revision` header",
           std::string(k_header_hint));
    }
    std::string dialect;
    for (const auto& opt : d.options) {
      if (!opt.starts_with("dialect=")) {
        fail(m_path, line_no, "unknown option `" + opt + "` of `-- migrate:" + d.name + "`",
             "the only option is dialect=sqlite or dialect=postgresql");
      }
      auto parsed = parse_dialect(std::string_view(opt).substr(8));
      if (!parsed) {
        fail(m_path, line_no, "unknown dialect `" + opt.substr(8) + "`", "use dialect=sqlite or dialect=postgresql");
      }
      if (!dialect.empty()) fail(m_path, line_no, "dialect given twice", "give one dialect=... per section");
      dialect = std::string(to_string(*parsed));
    }
    auto& sections = d.name == "upgrade" ? m_file.upgrade_sections() : m_file.downgrade_sections();
    std::string label = "`-- migrate:" + d.name + (dialect.empty() ? "" : " dialect=" + dialect) + "`";
    if (auto it = sections.find(dialect); it != sections.end()) {
      fail(m_path, line_no,
           "second " + label + " section (the first starts at line " + std::to_string(it->second.first_line - 1) + ")",
           "merge the two sections, or mark one with dialect=sqlite or dialect=postgresql");
    }
    m_section = &sections[dialect];
    m_section->first_line = line_no + 1;
    m_section_start = body_start;
    m_state = State::section;
  }

  // The open section's SQL runs up to byte `end` (the next directive, or the end of the file).
  void close_section(std::size_t end) {
    if (m_state == State::section && m_section != nullptr) {
      const std::size_t start = std::min(m_section_start, m_text.size());
      m_section->sql.assign(m_text.substr(start, std::max(end, start) - start));
      m_section = nullptr;
    }
    m_state = State::between;
  }

  void close_header() {
    if (m_state != State::header) return;
    m_state = State::between;
    apply_header();
  }

  void finish() {
    close_header();
    close_section(m_text.size());
    if (m_file.header_line == 0) fail(m_path, 1, "no `-- migrate:revision` header", std::string(k_header_hint));
  }

  void apply_header() {
    std::vector<TomlEntry> entries;
    entries.reserve(m_header_lines.size());
    bool simple = true;
    for (std::size_t i = 0; i < m_header_lines.size() && simple; ++i) {
      simple = simple_line(m_header_lines[i], static_cast<int>(i) + 1, entries);
    }
    if (!simple) {
      std::string doc;
      for (auto l : m_header_lines) {
        doc += l;
        doc += '\n';
      }
      try {
        entries = toml::parse_toml(doc);
      } catch (const toml::TomlError& e) {
        fail(m_path, file_line(e.line()), "bad TOML in the header: " + std::string(e.what()),
             "each header line is `-- key = value` in TOML, e.g. `-- down_revision = \"1975ea83b712\"`");
      }
    }
    for (auto& e : entries) apply(e);
    if (m_file.id.empty()) {
      fail(m_path, m_file.header_line, "the header has no `revision` key",
           "add a line `-- revision = \"<id>\"` below `-- migrate:revision`");
    }
  }

  int file_line(int toml_line) const { return m_file.header_line + std::max(toml_line, 1); }

  [[noreturn]] void wrong_type(const TomlEntry& e, std::string_view expected) const {
    fail(m_path, file_line(e.value.line),
         "`" + e.key + "` must be " + std::string(expected) + ", not a " +
             std::string(toml::type_name(e.value.type)),
         "for example `-- " + e.key + " = " + example_of(e.key) + "`");
  }

  static std::string example_of(std::string_view key) {
    if (key == "down_revision" || key == "depends_on") return "[\"1975ea83b712\"]";
    if (key == "branch_labels") return "[\"tenancy\"]";
    if (key == "transactional") return "false";
    if (key == "lock_timeout" || key == "statement_timeout") return "\"5s\"";
    if (key == "create_date") return "\"2026-11-21 10:00:00.000000\"";
    if (key == "message") return "\"add usage logs\"";
    return "\"ae1027a6acf\"";
  }

  std::string string_of(TomlEntry& e) const {
    if (e.value.type != TomlValue::Type::string) wrong_type(e, "a string");
    return std::move(e.value.text);
  }

  // A string or an array of strings; "" and [] give no items.
  std::vector<std::string> strings_of(TomlEntry& e) const {
    std::vector<std::string> out;
    if (e.value.type == TomlValue::Type::string) {
      if (!e.value.text.empty()) out.push_back(std::move(e.value.text));
      return out;
    }
    if (e.value.type != TomlValue::Type::array) wrong_type(e, "a string or an array of strings");
    out.reserve(e.value.items.size());
    for (auto& item : e.value.items) {
      if (item.type != TomlValue::Type::string) wrong_type(e, "a string or an array of strings");
      if (item.text.empty()) {
        fail(m_path, file_line(e.value.line), "`" + e.key + "` holds an empty string",
             "remove it; an empty `down_revision` is written `\"\"` or `[]`");
      }
      out.push_back(std::move(item.text));
    }
    refuse_repeats(e, out);
    return out;
  }

  // A value listed twice is a typo or a tool gone wrong: a merge of one parent with itself
  // means nothing, and an echoed list of 100,000 copies helps nobody. Linear: loading must
  // stay cheap for long lists.
  void refuse_repeats(const TomlEntry& e, const std::vector<std::string>& values) const {
    if (values.size() < 2) return;
    std::unordered_set<std::string_view> seen;
    seen.reserve(values.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (seen.insert(values[i]).second) continue;
      const int item_line = i < e.value.items.size() ? e.value.items[i].line : 0;
      fail(m_path, file_line(item_line > 0 ? item_line : e.value.line),
           "`" + e.key + "` lists \"" + values[i] + "\" twice", "remove the repeated entry");
    }
  }

  void refuse_reserved(const std::string& name, std::string_view what, int line) const {
    if (!is_reserved_revision_name(name)) return;
    fail(m_path, line, "\"" + name + "\" cannot be " + std::string(what),
         "base, head, heads and current (in any case) name positions in the graph, so a revision or branch "
         "named so could not be told apart from them; choose another name");
  }

  std::string timeout_of(const TomlEntry& e) const {
    if (e.value.type == TomlValue::Type::integer) {
      if (e.value.integer < 0) {
        fail(m_path, file_line(e.value.line), "`" + e.key + "` must not be negative",
             "write a duration such as \"5s\", or milliseconds as an integer");
      }
      return std::to_string(e.value.integer) + "ms";
    }
    if (e.value.type != TomlValue::Type::string) wrong_type(e, "a string such as \"5s\" or an integer (milliseconds)");
    if (!toml::is_valid_timeout(e.value.text)) {
      fail(m_path, file_line(e.value.line), "`" + e.key + "` is not a duration: \"" + e.value.text + "\"",
           "write a number with an optional unit ms, s, min, h or d, e.g. \"5s\"");
    }
    return e.value.text;
  }

  void apply(TomlEntry& e) {
    const std::string& k = e.key;
    const int line = file_line(e.value.line);
    if (k == "revision") {
      m_file.id = string_of(e);
      if (!is_valid_revision_id(m_file.id)) {
        fail(m_path, line, "invalid revision id \"" + m_file.id + "\"",
             "a revision id is 1 to 32 characters of A-Z, a-z, 0-9 and _");
      }
      refuse_reserved(m_file.id, "a revision id", line);
    } else if (k == "down_revision") {
      m_file.down_revisions = strings_of(e);
    } else if (k == "branch_labels") {
      m_file.branch_labels = strings_of(e);
      for (const auto& label : m_file.branch_labels) refuse_reserved(label, "a branch label", line);
    } else if (k == "depends_on") {
      m_file.depends_on = strings_of(e);
    } else if (k == "message") {
      m_file.message = string_of(e);
    } else if (k == "create_date") {
      if (e.value.type == TomlValue::Type::date_time) {
        m_file.create_date = std::move(e.value.text);
      } else {
        m_file.create_date = string_of(e);
      }
    } else if (k == "transactional") {
      if (e.value.type != TomlValue::Type::boolean) wrong_type(e, "true or false");
      m_file.transactional = e.value.boolean;
    } else if (k == "lock_timeout") {
      m_file.lock_timeout = timeout_of(e);
    } else if (k == "statement_timeout") {
      m_file.statement_timeout = timeout_of(e);
    } else {
      fail(m_path, line, "unknown key `" + k + "` in the header",
           "known keys: revision, down_revision, branch_labels, depends_on, message, create_date, "
           "transactional, lock_timeout, statement_timeout");
    }
    for (std::size_t i = 0; i < std::size(RevisionFile::k_keys); ++i) {
      if (RevisionFile::k_keys[i] == k) m_file.key_lines[i] = line;
    }
  }

  const FilePath& m_path;
  RevisionFile& m_file;
  std::string_view m_text;
  State m_state = State::before_header;
  int m_stray_line = 0;  // first non-comment line before the header
  std::vector<std::string_view> m_header_lines;
  SqlSection* m_section = nullptr;
  std::size_t m_section_start = 0;
};

// Strips a UTF-8 BOM and turns CRLF into LF; copies only when needed.
std::string_view normalize(std::string_view content, std::string& storage) {
  if (content.starts_with("\xEF\xBB\xBF")) content.remove_prefix(3);
  if (content.find("\r\n") == std::string_view::npos) return content;
  storage.reserve(content.size());
  for (std::size_t i = 0; i < content.size(); ++i) {
    if (content[i] == '\r' && i + 1 < content.size() && content[i + 1] == '\n') continue;
    storage += content[i];
  }
  return storage;
}

const SqlSection* section_for(const SectionMap& sections, Dialect dialect) {
  if (auto it = sections.find(std::string(to_string(dialect))); it != sections.end()) return &it->second;
  if (auto it = sections.find(""); it != sections.end()) return &it->second;
  return nullptr;
}

// The first entry whose key is not below `key` (the vector is sorted by key).
template <class Entries>
auto first_not_below(Entries& entries, std::string_view key) {
  return std::lower_bound(entries.begin(), entries.end(), key,
                          [](const SectionMap::value_type& e, std::string_view k) { return e.first < k; });
}

// The entry under `key`, or entries.end().
template <class Entries>
auto entry_under(Entries& entries, std::string_view key) {
  const auto it = first_not_below(entries, key);
  return it != entries.end() && it->first == key ? it : entries.end();
}

// The file at `path` as the parser and the checksum read it (normalize), without a copy
// unless a BOM is cut off.
std::string normalized_text_of(const FilePath& path) {
  std::string content = util::read_file(path, ErrorKind::script);
  std::string storage;
  const std::string_view text = normalize(content, storage);
  if (!storage.empty()) return storage;
  if (text.size() == content.size()) return content;
  return std::string(text);
}

}  // namespace

SectionMap::iterator SectionMap::find(std::string_view key) { return entry_under(m_entries, key); }

SectionMap::const_iterator SectionMap::find(std::string_view key) const { return entry_under(m_entries, key); }

const SqlSection& SectionMap::at(std::string_view key) const {
  const auto it = find(key);
  if (it == end()) throw std::out_of_range("no section " + std::string(key));
  return it->second;
}

SqlSection& SectionMap::operator[](std::string_view key) {
  const auto it = first_not_below(m_entries, key);
  if (it != m_entries.end() && it->first == key) return it->second;
  return m_entries.insert(it, value_type(std::string(key), SqlSection{}))->second;
}

bool is_valid_revision_id(std::string_view id) {
  if (id.empty() || id.size() > 32) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

bool is_reserved_revision_name(std::string_view name) {
  for (std::string_view reserved : {"base", "head", "heads", "current"}) {
    if (util::iequals(name, reserved)) return true;
  }
  return false;
}

int RevisionFile::line_of(std::string_view key) const {
  for (std::size_t i = 0; i < std::size(k_keys); ++i) {
    if (k_keys[i] == key) return key_lines[i];
  }
  return 0;
}

const SqlSection* RevisionFile::upgrade_for(Dialect dialect) const { return section_for(upgrade_sections(), dialect); }

const SqlSection* RevisionFile::downgrade_for(Dialect dialect) const {
  return section_for(downgrade_sections(), dialect);
}

namespace {

RevisionFile parse_content(FilePath&& path, std::string_view content, bool check_sql) {
  check_encoding(path, content);
  std::string storage;
  const std::string_view text = normalize(content, storage);
  check_control_characters(path, text);
  RevisionFile file;
  file.path = std::move(path);
  Parser(file.path, text, file).parse();
  if (check_sql) check_sections(file);
  file.checksum = util::sha256(text);
  return file;
}

}  // namespace

// ---------------------------------------------------------------------------------------
// Sections read on demand. One lock for the whole process: reading a deferred file's SQL is
// rare (the steps a run takes) and a lock per file would cost memory for every file.

namespace {

std::mutex& deferred_sections_lock() {
  static std::mutex lock;
  return lock;
}

/// The normalized text of the deferred file whose sections were read last, checked against
/// its checksum, until verified_text() takes it. Guarded by deferred_sections_lock().
struct LastReadText {
  std::string path;
  util::Sha256Digest checksum;
  std::string text;
};

LastReadText& last_read_text() {
  static LastReadText last;
  return last;
}

/// The place of a section's key in SectionStore::Shape (the keys in SectionMap's order);
/// -1 for a key that is no dialect's.
int shape_slot(std::string_view key) {
  if (key.empty()) return 0;
  if (key == to_string(Dialect::postgresql)) return 1;
  if (key == to_string(Dialect::sqlite)) return 2;
  return -1;
}

/// `sections`' first lines by slot; nullopt when a key has no slot or a first line is not a line.
std::optional<std::array<int, 3>> shape_of(const SectionMap& sections) {
  std::array<int, 3> lines{};
  for (const auto& [key, section] : sections) {
    const int slot = shape_slot(key);
    if (slot < 0 || section.first_line <= 0) return std::nullopt;
    lines[static_cast<std::size_t>(slot)] = section.first_line;
  }
  return lines;
}

bool has_slot(const std::array<int, 3>& lines, std::string_view key) {
  const int slot = shape_slot(key);
  return slot >= 0 && lines[static_cast<std::size_t>(slot)] > 0;
}

const SectionStore::Maps& no_sections() {
  static const SectionStore::Maps none;
  return none;
}

}  // namespace

SectionStore::SectionStore(const SectionStore& other) {
  std::unique_lock<std::mutex> lock;
  if (other.m_deferred) lock = std::unique_lock(deferred_sections_lock());
  if (other.m_maps) m_maps = std::make_unique<Maps>(*other.m_maps);
  m_shape = other.m_shape;
  m_deferred = other.m_deferred;
  m_pending = other.m_pending;
}

SectionStore& SectionStore::operator=(const SectionStore& other) {
  if (this != &other) *this = SectionStore(other);
  return *this;
}

bool RevisionFile::defer_sections() {
  const auto& maps = m_sections.m_maps ? *m_sections.m_maps : no_sections();
  auto upgrade = shape_of(maps.upgrade), downgrade = shape_of(maps.downgrade);
  if (!upgrade || !downgrade) return false;
  m_sections.m_shape = {*upgrade, *downgrade};
  m_sections.m_maps.reset();
  m_sections.m_deferred = true;
  m_sections.m_pending = true;
  return true;
}

// A deferred file answers from its shape, which never changes: no lock, and no race with a
// thread reading its SQL.
bool RevisionFile::is_irreversible() const {
  if (m_sections.m_deferred) return m_sections.m_shape.downgrade == std::array<int, 3>{};
  return downgrade_sections().empty();
}

bool RevisionFile::has_upgrade_section(const std::string& key) const {
  if (m_sections.m_deferred) return has_slot(m_sections.m_shape.upgrade, key);
  return upgrade_sections().count(key) > 0;
}

bool RevisionFile::has_downgrade_section(const std::string& key) const {
  if (m_sections.m_deferred) return has_slot(m_sections.m_shape.downgrade, key);
  return downgrade_sections().count(key) > 0;
}

SectionStore::Maps& RevisionFile::maps() {
  if (!m_sections.m_maps) m_sections.m_maps = std::make_unique<SectionStore::Maps>();
  return *m_sections.m_maps;
}

bool RevisionFile::sections_pending() const {
  if (!m_sections.m_deferred) return false;
  std::lock_guard lock(deferred_sections_lock());
  return m_sections.m_pending;
}

// The fresh parse must declare the sections the shape recorded; its maps then become the
// file's (is_irreversible and has_*_section keep reading the shape, without the lock).
void RevisionFile::read_deferred_sections() const {
  if (!m_sections.m_deferred) return;
  std::lock_guard lock(deferred_sections_lock());
  if (!m_sections.m_pending) return;
  std::string text = normalized_text_of(path);
  const util::Sha256Digest now = util::sha256(text);
  auto changed = [&] {
    return Error(ErrorKind::script,
                 path.string() + " changed while migrate was running (its checksum is now " + now.hex().substr(0, 12) +
                     ", it was " + checksum.hex().substr(0, 12) + " when it was loaded)",
                 "run the command again; do not edit revision files while migrate runs");
  };
  if (now != checksum) throw changed();
  RevisionFile fresh;
  fresh.path = path;
  Parser(fresh.path, text, fresh).parse();
  auto& read = fresh.maps();
  if (shape_of(read.upgrade) != m_sections.m_shape.upgrade || shape_of(read.downgrade) != m_sections.m_shape.downgrade)
    throw changed();  // it kept its checksum yet declares other sections: not the file loaded
  m_sections.m_maps = std::move(fresh.m_sections.m_maps);
  m_sections.m_pending = false;
  last_read_text() = {path.string(), checksum, std::move(text)};
}

std::string RevisionFile::verified_text() const {
  {
    std::lock_guard lock(deferred_sections_lock());
    auto& last = last_read_text();
    if (last.path == path.string() && last.checksum == checksum) {
      std::string text = std::move(last.text);
      last = {};
      return text;
    }
  }
  std::string text;
  try {
    text = normalized_text_of(path);
  } catch (const Error&) {
    return {};  // gone since it was loaded
  }
  // A file edited since it was loaded (or a checksum computed by other rules) gives no text
  // rather than a text the checksum does not describe.
  return util::sha256(text) == checksum ? text : std::string();
}

const SectionMap& RevisionFile::upgrade_sections() const {
  read_deferred_sections();
  return m_sections.m_maps ? m_sections.m_maps->upgrade : no_sections().upgrade;
}

const SectionMap& RevisionFile::downgrade_sections() const {
  read_deferred_sections();
  return m_sections.m_maps ? m_sections.m_maps->downgrade : no_sections().downgrade;
}

SectionMap& RevisionFile::upgrade_sections() {
  read_deferred_sections();
  return maps().upgrade;
}

SectionMap& RevisionFile::downgrade_sections() {
  read_deferred_sections();
  return maps().downgrade;
}

RevisionFile parse_revision_file(FilePath path, std::string_view content) {
  return parse_content(std::move(path), content, true);
}

RevisionFile parse_stored_copy(FilePath path, std::string_view content) {
  return parse_content(std::move(path), content, false);
}

RevisionFile read_revision_file(FilePath path) {
  const std::string content = util::read_file(path, ErrorKind::script);
  return parse_revision_file(std::move(path), content);
}

std::string normalized_file_text(std::string_view raw) {
  std::string storage;
  auto text = normalize(raw, storage);
  return storage.empty() ? std::string(text) : storage;
}

}  // namespace migrate::script
