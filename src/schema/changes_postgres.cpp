// The change planner for PostgreSQL, every object class but tables (changes_postgres_tables.cpp):
// schemas, extensions, types (enum labels appended in place, other enum changes by renaming
// the old type away), sequences and functions.
#include <algorithm>

#include "backend/sql_dialect.hpp"
#include "schema/changes_internal.hpp"
#include "schema/match.hpp"
#include "schema/render_internal.hpp"
#include "util/strings.hpp"

namespace migrate::schema::changes_detail {
namespace {

using match_detail::match;
using namespace render_detail;

const char* k_old_suffix = "__migrate_old";

void plan_schemas(Planner& p) {
  match(
      p.from.schemas, p.to.schemas, [&](const std::string& s) { return p.key(s); },
      [&](const std::string* f, const std::string* t) {
        if (f && t) return;
        const std::string& name = f ? *f : *t;
        if (name == "public") return;  // every database has it: never created nor dropped
        if (f)
          p.add(Phase::drop_schemas, "drop schema " + name, "DROP SCHEMA " + pg_ident(name) + ";\n", true);
        else
          p.add(Phase::create_schemas, "create schema " + name, "CREATE SCHEMA " + pg_ident(name) + ";\n", false);
      });
}

void plan_extensions(Planner& p) {
  match(
      p.from.extensions, p.to.extensions, [&](const Extension& e) { return p.key(e.name); },
      [&](const Extension* f, const Extension* t) {
        if (!t) {
          p.add(Phase::drop_extensions, "drop extension " + f->name, "DROP EXTENSION " + pg_ident(f->name) + ";\n",
                true);
        } else if (!f) {
          p.add(Phase::create_extensions, "create extension " + t->name, pg_extension(*t), false);
        } else {
          if (f->schema != t->schema)
            p.add(Phase::create_extensions, "move extension " + t->name + " to schema " + t->schema,
                  "ALTER EXTENSION " + pg_ident(t->name) + " SET SCHEMA " + pg_ident(t->schema) + ";\n", false);
          if (f->version != t->version)
            p.add(Phase::create_extensions, "update extension " + t->name + " to version " + t->version,
                  "ALTER EXTENSION " + pg_ident(t->name) + " UPDATE TO " + backend::sql::quote_literal(t->version) +
                      ";\n",
                  false);
        }
      });
}

/// Whether `type_text` (a column's type as format_type prints it) is the type `n`, or an
/// array of it (`array` says which).
bool is_type(std::string type_text, const Name& n, bool& array) {
  array = util::ends_with(type_text, "[]");
  if (array) type_text.resize(type_text.size() - 2);
  return type_text == pg_name(n) || type_text == n.name || type_text == pg_ident(n.name) ||
         type_text == n.schema + "." + n.name;
}

/// `ALTER TYPE ... ADD VALUE` for each label `to` has and `from` lacks, when `from`'s labels
/// keep their order in `to`; "" when they do not.
std::string added_labels(const Type& f, const Type& t) {
  std::size_t next = 0;
  std::string out;
  for (std::size_t i = 0; i < t.labels.size(); ++i) {
    if (next < f.labels.size() && t.labels[i] == f.labels[next]) {
      ++next;
      continue;
    }
    out += "ALTER TYPE " + pg_name(t.name) + " ADD VALUE " + backend::sql::quote_literal(t.labels[i]);
    if (i > 0)
      out += " AFTER " + backend::sql::quote_literal(t.labels[i - 1]);
    else if (!f.labels.empty())
      out += " BEFORE " + backend::sql::quote_literal(f.labels[0]);
    out += ";\n";
  }
  return next == f.labels.size() ? out : "";
}

/// The column of `to` matching `c` of table `table` in `from`, if the table and column stay.
const Column* kept_column(const Planner& p, const Table& table, const Column& c) {
  for (const auto& t : p.to.tables)
    if (p.key(t.name) == p.key(table.name))
      for (const auto& column : t.columns)
        if (p.key(column.name) == p.key(c.name)) return &column;
  return nullptr;
}

/// An enum whose labels change otherwise than by additions: the old type renamed away, the
/// new one created, every column that keeps it converted through its text, the old dropped.
void replace_enum(Planner& p, const Type& f, const Type& t) {
  const std::string old_name = pg_name({f.name.schema, f.name.name + k_old_suffix});
  std::string sql = "ALTER TYPE " + pg_name(f.name) + " RENAME TO " + pg_ident(f.name.name + k_old_suffix) + ";\n";
  sql += pg_type(t);
  p.disturb(f.name, true);
  for (const auto& table : p.from.tables) {
    for (const auto& c : table.columns) {
      bool array = false;
      const Column* kept = is_type(c.type, f.name, array) ? kept_column(p, table, c) : nullptr;
      if (!kept) continue;
      p.disturb(table.name, true);
      const std::string column = "ALTER TABLE " + pg_name(table.name) + " ALTER COLUMN " + pg_ident(c.name);
      // A default the column planner leaves alone is dropped and restored here.
      const bool keep_default = c.default_expression && c.default_expression == kept->default_expression;
      if (keep_default) sql += column + " DROP DEFAULT;\n";
      const std::string type = pg_name(t.name) + (array ? "[]" : "");
      sql +=
          column + " TYPE " + type + " USING " + pg_ident(c.name) + (array ? "::text[]::" : "::text::") + type + ";\n";
      if (keep_default) sql += column + " SET DEFAULT " + *kept->default_expression + ";\n";
    }
  }
  sql += "DROP TYPE " + old_name + ";\n";
  p.add(Phase::alter_types, "replace enum " + display(t.name) + " (labels removed or reordered)", sql, true);
}

/// A domain over the same base type is altered in place: default, NOT NULL, checks by name.
void alter_domain(Planner& p, const Type& f, const Type& t) {
  const std::string domain = "ALTER DOMAIN " + pg_name(t.name);
  const std::string what = "domain " + display(t.name);
  if (f.default_expression != t.default_expression)
    p.add(Phase::alter_types, (t.default_expression ? "set the default of " : "drop the default of ") + what,
          domain + (t.default_expression ? " SET DEFAULT " + *t.default_expression : " DROP DEFAULT") + ";\n", true);
  if (f.not_null != t.not_null)
    p.add(Phase::alter_types, (t.not_null ? "set NOT NULL on " : "drop NOT NULL on ") + what,
          domain + (t.not_null ? " SET NOT NULL;\n" : " DROP NOT NULL;\n"), true);
  match(
      f.checks, t.checks, [&](const Constraint& c) { return p.key(c.name); },
      [&](const Constraint* a, const Constraint* b) {
        auto same = [](Constraint x, Constraint y) { return x.comment = y.comment, x == y; };
        const std::string on = "CONSTRAINT " + pg_ident((a ? a : b)->name) + " ON DOMAIN " + pg_name(t.name);
        if (a && b && same(*a, *b)) {
          if (a->comment != b->comment)
            p.add(Phase::comments, "comment on constraint " + b->name + " of " + what, pg_set_comment(on, b->comment),
                  false);
          return;
        }
        if (a)
          p.add(Phase::alter_types, "drop constraint " + a->name + " of " + what,
                domain + " DROP CONSTRAINT " + pg_ident(a->name) + ";\n", true);
        if (b)
          p.add(Phase::alter_types, "add constraint " + b->name + " to " + what,
                domain + " ADD CONSTRAINT " + pg_ident(b->name) + " CHECK (" + b->expression + ")" +
                    (b->not_valid ? " NOT VALID" : "") + ";\n" +
                    (b->comment.empty() ? "" : pg_set_comment(on, b->comment)),
                a != nullptr);
      });
  if (f.comment != t.comment)
    p.add(Phase::comments, "comment on " + what, pg_set_comment("DOMAIN " + pg_name(t.name), t.comment), false);
}

void plan_types(Planner& p) {
  match(
      p.from.types, p.to.types, [&](const Type& t) { return p.key(t.name); },
      [&](const Type* f, const Type* t) {
        if (!t) return p.to_drop.types.emplace_back(f, true), p.disturb(f->name, true);
        if (!f) return (void)p.to_create.types.emplace_back(t, false);
        auto same = [](Type a, Type b) { return a.comment = b.comment, a.depends_on = b.depends_on, a == b; };
        if (same(*f, *t)) {
          if (f->comment != t->comment)
            p.add(Phase::comments, "comment on type " + display(t->name),
                  pg_set_comment((t->kind == Type::Kind::domain ? "DOMAIN " : "TYPE ") + pg_name(t->name), t->comment),
                  false);
          return;
        }
        if (f->kind == Type::Kind::enumeration && t->kind == Type::Kind::enumeration) {
          if (auto sql = added_labels(*f, *t); !sql.empty()) {
            p.note("enum " + display(t->name) +
                   " gets labels: PostgreSQL refuses to use a label before the "
                   "transaction that adds it commits");
            return p.add(Phase::alter_types, "add labels to enum " + display(t->name), sql, false);
          }
          return replace_enum(p, *f, *t);
        }
        if (f->kind == Type::Kind::domain && t->kind == Type::Kind::domain && f->base_type == t->base_type)
          return alter_domain(p, *f, *t);
        p.note(std::string(to_string(t->kind)) + " " + display(t->name) +
               " changes: dropped and created again, which fails while a column uses it");
        p.to_drop.types.emplace_back(f, true);
        p.to_create.types.emplace_back(t, true);
        p.disturb(f->name, true);
      });
}

std::string sequence_options(const Sequence& q) {
  return " AS " + q.type + " INCREMENT BY " + std::to_string(q.increment) + " MINVALUE " + std::to_string(q.min_value) +
         " MAXVALUE " + std::to_string(q.max_value) + " START WITH " + std::to_string(q.start) + " CACHE " +
         std::to_string(q.cache) + (q.cycle ? " CYCLE" : " NO CYCLE");
}

void plan_sequences(Planner& p) {
  match(
      p.from.sequences, p.to.sequences, [&](const Sequence& q) { return p.key(q.name); },
      [&](const Sequence* f, const Sequence* t) {
        const std::string what = "sequence " + display((f ? f : t)->name);
        // IF EXISTS: a sequence a dropped column owned went with it.
        if (!t)
          return p.add(Phase::drop_sequences, "drop " + what, "DROP SEQUENCE IF EXISTS " + pg_name(f->name) + ";\n",
                       true);
        if (!f) {
          p.add(Phase::create_sequences, "create " + what, pg_sequence(*t), false);
          if (t->owned_by_table) p.add(Phase::sequence_owners, "own " + what, pg_sequence_owner(*t), false);
          return;
        }
        if (sequence_options(*f) != sequence_options(*t))
          p.add(Phase::create_sequences, "alter " + what,
                "ALTER SEQUENCE " + pg_name(t->name) + sequence_options(*t) + ";\n", false);
        if (f->owned_by_table != t->owned_by_table || f->owned_by_column != t->owned_by_column)
          p.add(Phase::sequence_owners, "change the owner of " + what,
                t->owned_by_table ? pg_sequence_owner(*t) : "ALTER SEQUENCE " + pg_name(t->name) + " OWNED BY NONE;\n",
                false);
        if (f->comment != t->comment)
          p.add(Phase::comments, "comment on " + what, pg_set_comment("SEQUENCE " + pg_name(t->name), t->comment),
                false);
      });
}

/// The part of a function's definition CREATE OR REPLACE cannot change: the signature line
/// (parameter names and defaults) and the RETURNS line.
std::string signature(const Function& f) {
  auto first = f.definition.find('\n');
  auto second = first == std::string::npos ? first : f.definition.find('\n', first + 1);
  return std::string(f.procedure ? "procedure " : "function ") + f.definition.substr(0, second);
}

/// Whether `f` uses a type that is re-created or a table that is dropped and created again.
const bool* uses_replaced(const Planner& p, const Function& f) {
  for (const auto& used : f.depends_on) {
    if (const bool* flag = p.replaced(used)) return flag;
    for (const auto& t : p.from.types)
      if (t.name == used)
        if (const bool* flag = p.disturbed(used)) return flag;
  }
  return nullptr;
}

bool in_to(const Planner& p, const Function& f) {
  return std::any_of(p.to.functions.begin(), p.to.functions.end(),
                     [&](const Function& t) { return p.key(t.name) == p.key(f.name) && t.arguments == f.arguments; });
}

/// A function or procedure that is gone is dropped, a new one created, a changed one replaced
/// (its definition is a CREATE OR REPLACE) unless its signature or result changes, which
/// needs a drop first, as does one using a type or table that is re-created.
void plan_functions(Planner& p) {
  auto key = [&](const Function& f) { return std::make_pair(p.key(f.name), f.arguments); };
  match(p.from.functions, p.to.functions, key, [&](const Function* f, const Function* t) {
    if (!t) return p.to_drop.functions.emplace_back(f, true), p.disturb(f->name, true);
    // The identity arguments hold the parameter names: a function whose parameter is renamed
    // is another one, and creating it needs the old one (same name) dropped first.
    auto dropped = [&](const Function& x) { return p.key(x.name) == p.key(t->name) && !in_to(p, x); };
    if (!f)
      return (void)p.to_create.functions.emplace_back(
          t, std::any_of(p.from.functions.begin(), p.from.functions.end(), dropped));
    const bool* flag = uses_replaced(p, *f);
    const bool resigned = signature(*f) != signature(*t);
    if (flag || resigned) {
      const bool destructive = resigned || *flag;
      p.to_drop.functions.emplace_back(f, destructive);
      p.to_create.functions.emplace_back(t, destructive);
      return p.disturb(f->name, destructive);
    }
    auto same = [](Function a, Function b) { return a.comment = b.comment, a.depends_on = b.depends_on, a == b; };
    if (!same(*f, *t)) return (void)p.to_create.functions.emplace_back(t, false);
    if (f->comment != t->comment)
      p.add(Phase::comments, "comment on function " + display(t->name),
            pg_set_comment(
                std::string(t->procedure ? "PROCEDURE " : "FUNCTION ") + pg_name(t->name) + "(" + t->arguments + ")",
                t->comment),
            false);
  });
}

}  // namespace

void plan_postgres_objects(Planner& p) {
  plan_schemas(p);
  plan_extensions(p);
  plan_types(p);
  plan_sequences(p);
}

void plan_postgres_functions(Planner& p) { plan_functions(p); }

}  // namespace migrate::schema::changes_detail
