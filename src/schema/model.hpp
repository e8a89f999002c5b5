#pragma once
/// The schema model: a database's schema as values, read from its own catalog (never from a
/// text dump) and compared by value. Pure: no I/O, no logging; depends on core and util only.
///
/// What a value means:
///  - Names are as the catalog stores them: PostgreSQL folds unquoted names to lower case
///    when it creates them, so `Users` created unquoted arrives as `users`, and a quoted
///    `"Users"` as `Users`. SQLite keeps names as written and compares them without ASCII
///    case: its catalog readers lower-case nothing, and `canonicalize` orders them by the
///    ASCII-folded name so that the order does not depend on spelling.
///  - Types, defaults, check expressions, index and view definitions are the text the
///    catalog reports (`format_type`, `pg_get_expr`, `pg_get_constraintdef`, ...), which is
///    already the server's normal form: `int` and `integer` both arrive as `integer`. SQLite
///    keeps each table's original CREATE text, so its reader normalizes what it takes from
///    there (declared types upper-cased, expressions re-printed through the one lexer:
///    sql/normalize.hpp); docs/schema.md says what each field holds per dialect.
///  - Order: columns keep their position (part of a table on PostgreSQL; `ADD COLUMN` can only
///    append); everything else is a set, kept in canonical order by `canonicalize`.
///  - An object the model cannot represent is never dropped silently: it is listed in
///    `Schema::unsupported`, and every consumer decides (dump refuses, drift reports it).
///
/// Equality is memberwise on canonicalized values; `fingerprint` is the SHA-256 of
/// `canonical_text`, a line-oriented, versioned serialization: the same schema always gives
/// the same bytes whatever order its objects were created in.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/dialect.hpp"

namespace migrate::schema {

/// The name and version of the canonical serialization (and of the JSON model). Bumping it
/// changes every fingerprint on purpose: an old one never matches a serialization that
/// means something else.
inline constexpr const char* k_format = "migrate-schema-v2";

/// `schema.name` on PostgreSQL; on SQLite `schema` is empty (the main database).
struct Name {
  std::string schema;
  std::string name;
  bool operator==(const Name&) const = default;
};

struct Column {
  std::string name;
  std::string type;                    ///< as the catalog reports it: `integer`, `character varying(40)`
  bool not_null = false;
  std::optional<std::string> default_expression;
  std::string identity;                ///< "" | "always" | "by default" (PostgreSQL)
  std::optional<std::string> generated;  ///< the expression of a generated column
  bool generated_stored = false;       ///< STORED (PostgreSQL always; SQLite STORED or VIRTUAL)
  std::string collation;               ///< "" = the type's default
  std::string comment;
  bool operator==(const Column&) const = default;
};

enum class ConstraintKind { primary_key, unique, check, foreign_key, exclusion };

struct ForeignKey {
  Name parent;
  std::vector<std::string> parent_columns;  ///< empty on SQLite when the parent's primary key is implied
  std::string on_update = "no action";      ///< lower case: no action | restrict | cascade | set null | set default
  std::string on_delete = "no action";
  std::string match = "simple";             ///< simple | full | partial
  bool operator==(const ForeignKey&) const = default;
};

struct Constraint {
  std::string name;  ///< "" where the dialect keeps no name (SQLite's unnamed constraints)
  ConstraintKind kind = ConstraintKind::check;
  std::vector<std::string> columns;  ///< key columns, in key order (none for check)
  /// check: the expression; exclusion: the definition as pg_get_constraintdef reports it.
  std::string expression;
  std::optional<ForeignKey> foreign_key;
  bool deferrable = false;
  bool initially_deferred = false;
  bool not_valid = false;  ///< PostgreSQL `NOT VALID` (not yet validated)
  std::string comment;
  bool operator==(const Constraint&) const = default;
};

/// One key of an index: a column or an expression, with its options.
struct IndexKey {
  std::string column;      ///< "" for an expression key
  std::string expression;  ///< "" for a column key
  std::string collation;
  std::string opclass;     ///< "" = the default operator class
  bool descending = false;
  std::optional<bool> nulls_first;  ///< nullopt = the default for the direction
  bool operator==(const IndexKey&) const = default;
};

struct Index {
  Name name;
  std::string table;  ///< in the same schema as the index
  bool unique = false;
  std::string method = "btree";  ///< PostgreSQL access method; SQLite: btree
  std::vector<IndexKey> keys;
  std::vector<std::string> include;  ///< INCLUDE columns
  std::string where;                 ///< partial index predicate, "" = none
  std::string comment;
  bool operator==(const Index&) const = default;
};

struct Policy {
  std::string name;
  std::string command = "all";  ///< all | select | insert | update | delete
  bool permissive = true;
  std::vector<std::string> roles;  ///< sorted; {"public"} for everyone
  std::string using_expression;
  std::string check_expression;
  bool operator==(const Policy&) const = default;
};

struct Table {
  Name name;
  std::vector<Column> columns;  ///< in position order
  std::vector<Constraint> constraints;
  bool strict = false;         ///< SQLite STRICT
  bool without_rowid = false;  ///< SQLite WITHOUT ROWID
  bool unlogged = false;       ///< PostgreSQL UNLOGGED
  std::string partition_key;   ///< PostgreSQL `PARTITION BY` clause, "" = not partitioned
  std::optional<Name> partition_of;  ///< PostgreSQL: the parent of a partition
  std::string partition_bound;       ///< its `FOR VALUES ...`
  bool row_security = false;         ///< PostgreSQL ENABLE ROW LEVEL SECURITY
  bool force_row_security = false;
  std::vector<Policy> policies;
  std::string comment;
  /// PostgreSQL: the types, functions, tables and views it needs to exist first, as the
  /// catalog records them (pg_depend), sorted; what `dump` orders its statements by.
  std::vector<Name> depends_on;
  bool operator==(const Table&) const = default;
};

struct View {
  Name name;
  bool materialized = false;
  std::string definition;  ///< as the catalog normalizes it (pg_get_viewdef, sqlite_schema.sql)
  std::vector<std::string> columns;  ///< output column names, in order
  std::string comment;
  /// PostgreSQL: the types, functions, tables and views it needs to exist first, as the
  /// catalog records them (pg_depend), sorted; what `dump` orders its statements by.
  std::vector<Name> depends_on;
  bool operator==(const View&) const = default;
};

struct Sequence {
  Name name;
  std::string type = "bigint";
  long long start = 1, increment = 1, min_value = 1, max_value = 0, cache = 1;
  bool cycle = false;
  std::optional<Name> owned_by_table;  ///< OWNED BY table.column
  std::string owned_by_column;
  std::string comment;
  bool operator==(const Sequence&) const = default;
};

/// Enum, domain and composite types (PostgreSQL).
struct Type {
  enum class Kind { enumeration, domain, composite };
  Name name;
  Kind kind = Kind::enumeration;
  std::vector<std::string> labels;  ///< enum labels in sort order (their order is the enum's)
  std::string base_type;            ///< domain
  bool not_null = false;            ///< domain
  std::optional<std::string> default_expression;  ///< domain
  std::vector<Constraint> checks;   ///< domain CHECK constraints
  std::vector<Column> attributes;   ///< composite, in order
  std::string comment;
  /// PostgreSQL: the types, functions, tables and views it needs to exist first, as the
  /// catalog records them (pg_depend), sorted; what `dump` orders its statements by.
  std::vector<Name> depends_on;
  bool operator==(const Type&) const = default;
};

/// Functions and procedures (PostgreSQL), identified by name and argument types.
struct Function {
  Name name;
  std::string arguments;  ///< identity arguments (pg_get_function_identity_arguments)
  bool procedure = false;
  std::string definition;  ///< pg_get_functiondef: the whole CREATE OR REPLACE statement
  std::string comment;
  /// PostgreSQL: the types, functions, tables and views it needs to exist first, as the
  /// catalog records them (pg_depend), sorted; what `dump` orders its statements by.
  std::vector<Name> depends_on;
  bool operator==(const Function&) const = default;
};

struct Trigger {
  Name table;
  std::string name;
  std::string definition;  ///< pg_get_triggerdef / sqlite_schema.sql
  bool enabled = true;
  std::string comment;
  bool operator==(const Trigger&) const = default;
};

struct Extension {
  std::string name;
  std::string schema;
  std::string version;
  std::vector<std::string> requires_extensions;  ///< the extensions it requires (created first), sorted
  bool operator==(const Extension&) const = default;
};

/// An object the catalog holds that the model cannot represent: never left out silently.
struct Unsupported {
  std::string kind;  ///< "rule", "foreign table", "operator", "publication", ...
  std::string name;  ///< qualified, as the catalog names it
  std::string why;
  bool operator==(const Unsupported&) const = default;
};

struct Schema {
  Dialect dialect = Dialect::sqlite;
  std::vector<std::string> schemas;  ///< PostgreSQL schemas in scope (created ones), sorted
  std::vector<Extension> extensions;
  std::vector<Type> types;
  std::vector<Sequence> sequences;
  std::vector<Table> tables;
  std::vector<Index> indexes;
  std::vector<View> views;
  std::vector<Function> functions;
  std::vector<Trigger> triggers;
  std::vector<Unsupported> unsupported;
  bool operator==(const Schema&) const = default;
};

/// The key a name is matched and ordered by: SQLite compares identifiers without ASCII case,
/// PostgreSQL exactly (the catalog already folded unquoted names).
std::string name_key(const std::string& name, Dialect dialect);

/// How the canonical text and the JSON name a kind: "primary key", "unique", "check",
/// "foreign key", "exclusion"; "enum", "domain", "composite".
const char* to_string(ConstraintKind kind);
const char* to_string(Type::Kind kind);

/// Puts every set of `schema` in canonical order (by qualified name, ASCII case folded on
/// SQLite; constraints of a table by kind then name then columns; roles of a policy
/// sorted). Column and enum label order is kept: it is part of the object.
void canonicalize(Schema& schema);

/// The canonical serialization: one line per object and attribute, values escaped, the
/// first line naming the format version. Calls for a canonicalized schema (use
/// `canonical_copy` when unsure).
std::string canonical_text(const Schema& schema);

/// `schema` canonicalized.
Schema canonical_copy(Schema schema);

/// SHA-256 hex of canonical_text(canonical_copy(schema)).
std::string fingerprint(const Schema& schema);
/// The same for a schema already canonicalized (as the catalog readers return it), without
/// copying it again. The text is hashed in pieces as it is written, never held whole.
std::string fingerprint_of_canonical(const Schema& canonical);

/// The fingerprint of a canonical schema handed over in pieces, so that a reader of a large
/// schema never holds its whole model: finish() returns what fingerprint_of_canonical returns
/// for the schema the pieces make up. `frame` is that schema without its tables and indexes
/// (its views, functions, triggers and unsupported objects, canonical); pass the same one to
/// the constructor and to finish. Tables must come in canonical order across calls to add
/// (std::logic_error otherwise); indexes in any order (their text is kept until finish).
class FingerprintBuilder {
 public:
  explicit FingerprintBuilder(const Schema& frame);
  ~FingerprintBuilder();
  FingerprintBuilder(const FingerprintBuilder&) = delete;
  FingerprintBuilder& operator=(const FingerprintBuilder&) = delete;

  void add(const std::vector<Table>& tables, const std::vector<Index>& indexes);
  std::string finish(const Schema& frame);

 private:
  struct State;
  std::unique_ptr<State> m_state;
};

/// True when nothing but migrate's own tables would be in it.
bool empty(const Schema& schema);

}  // namespace migrate::schema
