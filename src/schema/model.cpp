#include "schema/model.hpp"

#include <algorithm>
#include <stdexcept>
#include <tuple>

#include "util/sha256.hpp"
#include "util/strings.hpp"

namespace migrate::schema {
namespace {

std::string key_of(const std::string& text, Dialect dialect) { return name_key(text, dialect); }

std::pair<std::string, std::string> key_of(const Name& n, Dialect dialect) {
  return {key_of(n.schema, dialect), key_of(n.name, dialect)};
}

template <typename T, typename Key>
void sort_by(std::vector<T>& items, Key key) {
  std::stable_sort(items.begin(), items.end(), [&](const T& a, const T& b) { return key(a) < key(b); });
}

void sort_names(std::vector<Name>& names, Dialect d) {
  sort_by(names, [d](const Name& n) { return key_of(n, d); });
  names.erase(std::unique(names.begin(), names.end()), names.end());
}

void canonicalize_constraints(std::vector<Constraint>& constraints, Dialect d) {
  // The parent too: SQLite's unnamed foreign keys on the same columns differ only by it.
  sort_by(constraints, [d](const Constraint& c) {
    auto parent = c.foreign_key ? key_of(c.foreign_key->parent, d) : std::pair<std::string, std::string>();
    auto parent_columns = c.foreign_key ? c.foreign_key->parent_columns : std::vector<std::string>();
    return std::make_tuple(static_cast<int>(c.kind), key_of(c.name, d), c.columns, c.expression, parent,
                           parent_columns);
  });
}

void canonicalize_table(Table& t, Dialect d) {
  canonicalize_constraints(t.constraints, d);
  for (auto& p : t.policies) std::sort(p.roles.begin(), p.roles.end());
  sort_by(t.policies, [d](const Policy& p) { return key_of(p.name, d); });
}

/// Writes `key value` lines, values escaped so that one value is always one line. With a
/// hash to feed, it hands its text over in pieces instead of holding the whole schema's text.
class Writer {
 public:
  Writer() = default;
  explicit Writer(util::Sha256* hash) : m_hash(hash) {}
  void line(const std::string& key, const std::string& value) {
    m_out += m_prefix;
    m_out += key;
    m_out += ' ';
    for (char c : value) {
      if (c == '\\') m_out += "\\\\";
      else if (c == '\n') m_out += "\\n";
      else if (c == '\r') m_out += "\\r";
      else m_out += c;
    }
    m_out += '\n';
    feed_hash_when_full();
  }
  void flag(const std::string& key, bool value) {
    if (value) line(key, "true");
  }
  void text(const std::string& key, const std::string& value) {
    if (!value.empty()) line(key, value);
  }
  void optional(const std::string& key, const std::optional<std::string>& value) {
    if (value) line(key, *value);
  }
  /// One line per item: no separator inside a value can make two lists read the same.
  void list(const std::string& key, const std::vector<std::string>& values) {
    for (const auto& v : values) line(key, v);
  }
  /// Lines of a nested object are indented under it.
  void open(const std::string& key, const std::string& value) {
    line(key, value);
    m_prefix += "  ";
  }
  void close() { m_prefix.resize(m_prefix.size() - 2); }
  std::string take() { return std::move(m_out); }
  /// Text another writer made, as it is.
  void append(std::string_view text) {
    m_out += text;
    feed_hash_when_full();
  }
  /// The hash of everything written, for a writer made with a hash.
  std::string hex_digest() {
    feed_hash();
    return m_hash->hex_digest();
  }

 private:
  static constexpr std::size_t k_piece = 64 * 1024;
  void feed_hash_when_full() {
    if (m_hash && m_out.size() >= k_piece) feed_hash();
  }
  void feed_hash() {
    m_hash->update(m_out);
    m_out.clear();
  }

  util::Sha256* m_hash = nullptr;
  std::string m_out;
  std::string m_prefix;
};

/// One part of a dotted name with its dots (and the escape character) escaped, so that
/// `a.b` + `c` and `a` + `b.c` stay apart.
std::string name_part(const std::string& part) {
  std::string out;
  for (char c : part) {
    if (c == '\\' || c == '.') out += '\\';
    out += c;
  }
  return out;
}

std::string qualified(const Name& n) {
  return n.schema.empty() ? name_part(n.name) : name_part(n.schema) + "." + name_part(n.name);
}

void write_depends_on(Writer& w, const std::vector<Name>& names) {
  std::vector<std::string> qualified_names;
  for (const auto& n : names) qualified_names.push_back(qualified(n));
  w.list("depends on", qualified_names);
}

void write_column(Writer& w, const Column& c) {
  w.open("column", c.name);
  w.line("type", c.type);
  w.flag("not null", c.not_null);
  w.optional("default", c.default_expression);
  w.text("identity", c.identity);
  w.optional("generated", c.generated);
  w.flag("stored", c.generated_stored);
  w.text("collation", c.collation);
  w.text("comment", c.comment);
  w.close();
}

void write_constraint(Writer& w, const Constraint& c) {
  w.open(to_string(c.kind), c.name);
  w.list("columns", c.columns);
  w.text("expression", c.expression);
  if (c.foreign_key) {
    const auto& fk = *c.foreign_key;
    w.line("references", qualified(fk.parent));
    w.list("parent columns", fk.parent_columns);
    w.line("on update", fk.on_update);
    w.line("on delete", fk.on_delete);
    w.line("match", fk.match);
  }
  w.flag("deferrable", c.deferrable);
  w.flag("initially deferred", c.initially_deferred);
  w.flag("not valid", c.not_valid);
  w.text("comment", c.comment);
  w.close();
}

void write_policy(Writer& w, const Policy& p) {
  w.open("policy", p.name);
  w.line("command", p.command);
  w.flag("restrictive", !p.permissive);
  w.list("roles", p.roles);
  w.text("using", p.using_expression);
  w.text("with check", p.check_expression);
  w.close();
}

void write_table(Writer& w, const Table& t) {
  w.open("table", qualified(t.name));
  for (const auto& c : t.columns) write_column(w, c);
  for (const auto& c : t.constraints) write_constraint(w, c);
  w.flag("strict", t.strict);
  w.flag("without rowid", t.without_rowid);
  w.flag("unlogged", t.unlogged);
  w.text("partition by", t.partition_key);
  if (t.partition_of) w.line("partition of", qualified(*t.partition_of));
  w.text("partition bound", t.partition_bound);
  write_depends_on(w, t.depends_on);
  w.flag("row security", t.row_security);
  w.flag("force row security", t.force_row_security);
  for (const auto& p : t.policies) write_policy(w, p);
  w.text("comment", t.comment);
  w.close();
}

void write_index(Writer& w, const Index& i) {
  w.open("index", qualified(i.name));
  w.line("on", i.table);
  w.flag("unique", i.unique);
  w.line("method", i.method);
  for (const auto& k : i.keys) {
    if (k.column.empty()) w.open("key expression", k.expression);
    else w.open("key column", k.column);
    w.text("collation", k.collation);
    w.text("opclass", k.opclass);
    w.flag("descending", k.descending);
    if (k.nulls_first) w.line("nulls", *k.nulls_first ? "first" : "last");
    w.close();
  }
  w.list("include", i.include);
  w.text("where", i.where);
  w.text("comment", i.comment);
  w.close();
}

void write_type(Writer& w, const Type& t) {
  const char* kind = to_string(t.kind);
  w.open(kind, qualified(t.name));
  w.list("labels", t.labels);
  w.text("base type", t.base_type);
  w.flag("not null", t.not_null);
  w.optional("default", t.default_expression);
  for (const auto& c : t.checks) write_constraint(w, c);
  for (const auto& a : t.attributes) write_column(w, a);
  write_depends_on(w, t.depends_on);
  w.text("comment", t.comment);
  w.close();
}

void write_sequence(Writer& w, const Sequence& s) {
  w.open("sequence", qualified(s.name));
  w.line("type", s.type);
  w.line("start", std::to_string(s.start));
  w.line("increment", std::to_string(s.increment));
  w.line("min", std::to_string(s.min_value));
  w.line("max", std::to_string(s.max_value));
  w.line("cache", std::to_string(s.cache));
  w.flag("cycle", s.cycle);
  if (s.owned_by_table) w.line("owned by", qualified(*s.owned_by_table) + "." + name_part(s.owned_by_column));
  w.text("comment", s.comment);
  w.close();
}

void write_rest(Writer& w, const Schema& s) {
  for (const auto& v : s.views) {
    w.open(v.materialized ? "materialized view" : "view", qualified(v.name));
    w.list("columns", v.columns);
    w.line("definition", v.definition);
    write_depends_on(w, v.depends_on);
    w.text("comment", v.comment);
    w.close();
  }
  for (const auto& f : s.functions) {
    w.open(f.procedure ? "procedure" : "function", qualified(f.name) + "(" + f.arguments + ")");
    w.line("definition", f.definition);
    write_depends_on(w, f.depends_on);
    w.text("comment", f.comment);
    w.close();
  }
  for (const auto& t : s.triggers) {
    w.open("trigger", qualified(t.table) + " " + t.name);
    w.line("definition", t.definition);
    w.flag("disabled", !t.enabled);
    w.text("comment", t.comment);
    w.close();
  }
  for (const auto& u : s.unsupported) {
    w.open("unsupported " + u.kind, u.name);
    w.line("why", u.why);  // a changed option is a changed schema, though the model cannot hold it
    w.close();
  }
}

}  // namespace

std::string name_key(const std::string& name, Dialect dialect) {
  return dialect == Dialect::sqlite ? util::to_lower(name) : name;
}

const char* to_string(ConstraintKind kind) {
  switch (kind) {
    case ConstraintKind::primary_key: return "primary key";
    case ConstraintKind::unique: return "unique";
    case ConstraintKind::check: return "check";
    case ConstraintKind::foreign_key: return "foreign key";
    case ConstraintKind::exclusion: return "exclusion";
  }
  return "check";
}

const char* to_string(Type::Kind kind) {
  switch (kind) {
    case Type::Kind::enumeration: return "enum";
    case Type::Kind::domain: return "domain";
    case Type::Kind::composite: return "composite";
  }
  return "enum";
}

void canonicalize(Schema& s) {
  const Dialect d = s.dialect;
  std::sort(s.schemas.begin(), s.schemas.end());
  sort_by(s.extensions, [d](const Extension& e) { return key_of(e.name, d); });
  sort_by(s.types, [d](const Type& t) { return key_of(t.name, d); });
  for (auto& t : s.types) canonicalize_constraints(t.checks, d);
  for (auto& e : s.extensions) std::sort(e.requires_extensions.begin(), e.requires_extensions.end());
  for (auto& t : s.types) sort_names(t.depends_on, d);
  for (auto& t : s.tables) sort_names(t.depends_on, d);
  for (auto& v : s.views) sort_names(v.depends_on, d);
  for (auto& f : s.functions) sort_names(f.depends_on, d);
  sort_by(s.sequences, [d](const Sequence& q) { return key_of(q.name, d); });
  sort_by(s.tables, [d](const Table& t) { return key_of(t.name, d); });
  for (auto& t : s.tables) canonicalize_table(t, d);
  sort_by(s.indexes, [d](const Index& i) { return key_of(i.name, d); });
  sort_by(s.views, [d](const View& v) { return key_of(v.name, d); });
  sort_by(s.functions, [d](const Function& f) { return std::make_pair(key_of(f.name, d), f.arguments); });
  sort_by(s.triggers, [d](const Trigger& t) { return std::make_pair(key_of(t.table, d), key_of(t.name, d)); });
  sort_by(s.unsupported, [](const Unsupported& u) { return std::make_pair(u.kind, u.name); });
}

Schema canonical_copy(Schema schema) {
  canonicalize(schema);
  return schema;
}

namespace {

/// What comes before the tables: the format, the dialect, schemas, extensions, types and
/// sequences.
void write_head(Writer& w, const Schema& s) {
  w.line("format", k_format);
  w.line("dialect", s.dialect == Dialect::sqlite ? "sqlite" : "postgresql");
  for (const auto& name : s.schemas) w.line("schema", name);
  for (const auto& e : s.extensions) {
    w.open("extension", e.name);
    w.line("schema", e.schema);
    w.line("version", e.version);
    w.list("requires", e.requires_extensions);
    w.close();
  }
  for (const auto& t : s.types) write_type(w, t);
  for (const auto& q : s.sequences) write_sequence(w, q);
}

void write_schema(Writer& w, const Schema& s) {
  write_head(w, s);
  for (const auto& t : s.tables) write_table(w, t);
  for (const auto& i : s.indexes) write_index(w, i);
  write_rest(w, s);
}

}  // namespace

std::string canonical_text(const Schema& s) {
  Writer w;
  write_schema(w, s);
  return w.take();
}

std::string fingerprint(const Schema& schema) { return fingerprint_of_canonical(canonical_copy(schema)); }

std::string fingerprint_of_canonical(const Schema& canonical) {
  util::Sha256 hash;
  Writer w(&hash);
  write_schema(w, canonical);
  return w.hex_digest();
}

struct FingerprintBuilder::State {
  util::Sha256 hash;
  Writer writer{&hash};
  Dialect dialect = Dialect::sqlite;
  std::optional<std::pair<std::string, std::string>> last_table;
  /// Each index's text by its canonical key: indexes sort by their own names, not by their
  /// tables', so they are written together at the end.
  std::vector<std::pair<std::pair<std::string, std::string>, std::string>> indexes;
};

FingerprintBuilder::FingerprintBuilder(const Schema& frame) : m_state(std::make_unique<State>()) {
  m_state->dialect = frame.dialect;
  write_head(m_state->writer, frame);
}

FingerprintBuilder::~FingerprintBuilder() = default;

void FingerprintBuilder::add(const std::vector<Table>& tables, const std::vector<Index>& indexes) {
  auto& st = *m_state;
  for (const auto& t : tables) {
    auto key = key_of(t.name, st.dialect);
    if (st.last_table && !(*st.last_table < key))
      throw std::logic_error("FingerprintBuilder: table " + t.name.name + " out of canonical order");
    write_table(st.writer, t);
    st.last_table = std::move(key);
  }
  for (const auto& i : indexes) {
    Writer text;
    write_index(text, i);
    st.indexes.emplace_back(key_of(i.name, st.dialect), text.take());
  }
}

std::string FingerprintBuilder::finish(const Schema& frame) {
  auto& st = *m_state;
  std::stable_sort(st.indexes.begin(), st.indexes.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& index : st.indexes) st.writer.append(index.second);
  write_rest(st.writer, frame);
  return st.writer.hex_digest();
}

bool empty(const Schema& s) {
  return s.extensions.empty() && s.types.empty() && s.sequences.empty() && s.tables.empty() && s.indexes.empty() &&
         s.views.empty() && s.functions.empty() && s.triggers.empty() && s.unsupported.empty();
}

}  // namespace migrate::schema
