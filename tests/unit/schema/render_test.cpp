// The SQL renderer from model literals: each object class per dialect, dependency order,
// name quoting and determinism. The PostgreSQL round trips on a real server are in
// tests/backend/postgres_round_trip_test.cpp.
#include "schema/render.hpp"

#include <gtest/gtest.h>

#include "schema/render_internal.hpp"

namespace migrate::schema {
namespace {

/// Where `needle` starts in `text`; fails the test when it is not there.
std::size_t at(const std::string& text, const std::string& needle) {
  auto pos = text.find(needle);
  EXPECT_NE(pos, std::string::npos) << "missing: " << needle << "\nin:\n" << text;
  return pos;
}

Constraint constraint(ConstraintKind kind, std::string name, std::vector<std::string> columns = {},
                      std::string expression = "") {
  Constraint c;
  c.kind = kind;
  c.name = std::move(name);
  c.columns = std::move(columns);
  c.expression = std::move(expression);
  return c;
}

Constraint foreign_key(std::string name, std::vector<std::string> columns, Name parent,
                       std::vector<std::string> parent_columns) {
  auto c = constraint(ConstraintKind::foreign_key, std::move(name), std::move(columns));
  c.foreign_key = ForeignKey{std::move(parent), std::move(parent_columns)};
  return c;
}

Schema postgres() {
  Schema s;
  s.dialect = Dialect::postgresql;
  s.schemas = {"public"};
  return s;
}

View view(Name name, std::string definition, bool materialized = false) {
  View v;
  v.name = std::move(name);
  v.definition = std::move(definition);
  v.materialized = materialized;
  return v;
}

TEST(RenderPostgres, HeaderSettingAndNoSchemaStatementForPublic) {
  auto s = postgres();
  s.schemas = {"app", "public"};
  auto sql = render_sql(s);
  EXPECT_EQ(sql.rfind("-- PostgreSQL schema written by migrate", 0), 0u) << sql;
  EXPECT_NE(sql.find("SET check_function_bodies = false;\n"), std::string::npos);
  EXPECT_NE(sql.find("CREATE SCHEMA app;\n"), std::string::npos);
  EXPECT_EQ(sql.find("CREATE SCHEMA public"), std::string::npos);
}

TEST(RenderPostgres, TableWithEveryColumnAndConstraintKind) {
  auto s = postgres();
  Table t;
  t.name = {"public", "Orders"};
  t.unlogged = true;
  t.columns = {{"id", "bigint", true, std::nullopt, "always"},
               {"code", "text", false, std::nullopt, "", std::nullopt, false, "\"C\""},
               {"total", "numeric(10,2)", true, "0"},
               {"doubled", "numeric", false, std::nullopt, "", "total * 2::numeric", true},
               {"during", "tstzrange"}};
  t.constraints = {constraint(ConstraintKind::primary_key, "Orders_pkey", {"id"}),
                   constraint(ConstraintKind::unique, "orders_code_key", {"code"}),
                   constraint(ConstraintKind::check, "total_positive", {}, "total >= 0::numeric"),
                   constraint(ConstraintKind::exclusion, "no_overlap", {"during"}, "EXCLUDE USING gist (during WITH &&)")};
  t.constraints[1].deferrable = t.constraints[1].initially_deferred = true;
  auto late = constraint(ConstraintKind::check, "later", {}, "code <> ''::text");
  late.not_valid = true;
  t.constraints.push_back(late);
  t.comment = "it's ours";
  t.columns[1].comment = "a code";
  s.tables = {t};
  EXPECT_EQ(render_sql(s).substr(render_sql(s).find("CREATE UNLOGGED")),
            "CREATE UNLOGGED TABLE public.\"Orders\" (\n"
            "    id bigint GENERATED ALWAYS AS IDENTITY NOT NULL,\n"
            "    code text COLLATE \"C\",\n"
            "    total numeric(10,2) DEFAULT 0 NOT NULL,\n"
            "    doubled numeric GENERATED ALWAYS AS (total * 2::numeric) STORED,\n"
            "    during tstzrange,\n"
            "    CONSTRAINT \"Orders_pkey\" PRIMARY KEY (id),\n"
            "    CONSTRAINT orders_code_key UNIQUE (code) DEFERRABLE INITIALLY DEFERRED,\n"
            "    CONSTRAINT total_positive CHECK (total >= 0::numeric),\n"
            "    CONSTRAINT no_overlap EXCLUDE USING gist (during WITH &&)\n"
            ");\n"
            "ALTER TABLE public.\"Orders\"\n    ADD CONSTRAINT later CHECK (code <> ''::text) NOT VALID;\n"
            "COMMENT ON TABLE public.\"Orders\" IS 'it''s ours';\n"
            "COMMENT ON COLUMN public.\"Orders\".code IS 'a code';\n");
}

TEST(RenderPostgres, ForeignKeysAfterEveryTableSoCyclesAndSelfReferencesNeedNothing) {
  auto s = postgres();
  Table a, b;
  a.name = {"public", "a"};
  a.columns = {{"id", "integer", true}, {"b_id", "integer"}, {"parent", "integer"}};
  a.constraints = {foreign_key("a_b_fk", {"b_id"}, {"public", "b"}, {"id"}),
                   foreign_key("a_parent_fk", {"parent"}, {"public", "a"}, {"id"})};
  a.constraints[0].foreign_key->on_delete = "cascade";
  a.constraints[0].foreign_key->match = "full";
  a.constraints[1].not_valid = true;
  b.name = {"public", "b"};
  b.columns = {{"id", "integer", true}, {"a_id", "integer"}};
  b.constraints = {foreign_key("b_a_fk", {"a_id"}, {"public", "a"}, {"id"})};
  b.constraints[0].deferrable = true;
  s.tables = {b, a};
  auto sql = render_sql(s);
  auto last_table = at(sql, "CREATE TABLE public.b");
  EXPECT_LT(at(sql, "CREATE TABLE public.a"), last_table);
  EXPECT_LT(last_table, at(sql, "ADD CONSTRAINT a_b_fk FOREIGN KEY (b_id) REFERENCES public.b (id) MATCH FULL "
                                "ON DELETE CASCADE;\n"));
  at(sql, "ADD CONSTRAINT a_parent_fk FOREIGN KEY (parent) REFERENCES public.a (id) NOT VALID;\n");
  at(sql, "ADD CONSTRAINT b_a_fk FOREIGN KEY (a_id) REFERENCES public.a (id) DEFERRABLE;\n");
  EXPECT_GT(sql.find("FOREIGN KEY"), last_table);  // none inside CREATE TABLE
}

TEST(RenderPostgres, TypesInDependencyOrderDomainOnEnumWithChecks) {
  auto s = postgres();
  Type mood;
  mood.name = {"public", "mood"};
  mood.labels = {"sad", "it's ok"};
  Type feeling;  // sorts before "mood" but is based on it
  feeling.name = {"public", "feeling"};
  feeling.kind = Type::Kind::domain;
  feeling.base_type = "mood";
  feeling.not_null = true;
  feeling.default_expression = "'sad'::mood";
  feeling.checks = {constraint(ConstraintKind::check, "not_sad", {}, "VALUE <> 'sad'::mood")};
  Type pair;  // a composite of the domain
  pair.name = {"public", "a_pair"};
  pair.kind = Type::Kind::composite;
  pair.attributes = {{"first", "feeling"}, {"second", "integer"}};
  s.types = {pair, feeling, mood};
  auto sql = render_sql(s);
  auto enum_at = at(sql, "CREATE TYPE public.mood AS ENUM (\n    'sad',\n    'it''s ok'\n);\n");
  auto domain_at = at(sql, "CREATE DOMAIN public.feeling AS mood\n    DEFAULT 'sad'::mood\n    NOT NULL\n"
                           "    CONSTRAINT not_sad CHECK (VALUE <> 'sad'::mood);\n");
  auto composite_at = at(sql, "CREATE TYPE public.a_pair AS (\n    first feeling,\n    second integer\n);\n");
  EXPECT_LT(enum_at, domain_at);
  EXPECT_LT(domain_at, composite_at);
}

TEST(RenderPostgres, FunctionsBeforeTablesAndTriggersAfter) {
  auto s = postgres();
  s.functions = {{{"public", "touch"}, "", false,
                  "CREATE OR REPLACE FUNCTION public.touch()\n RETURNS trigger\n LANGUAGE plpgsql\nAS $function$ "
                  "BEGIN RETURN NEW; END $function$\n",
                  "touches"},
                 {{"public", "tidy"}, "days integer", true,
                  "CREATE OR REPLACE PROCEDURE public.tidy(days integer)\n LANGUAGE sql\nAS $procedure$ SELECT 1 "
                  "$procedure$\n"}};
  Table t;
  t.name = {"public", "accounts"};
  t.columns = {{"id", "integer"}};
  s.tables = {t};
  s.triggers = {{{"public", "accounts"}, "touch_it",
                 "CREATE TRIGGER touch_it BEFORE UPDATE ON public.accounts FOR EACH ROW EXECUTE FUNCTION touch()",
                 false, "keeps it fresh"}};
  auto sql = render_sql(s);
  auto function_at = at(sql, "BEGIN RETURN NEW; END $function$;\nCOMMENT ON FUNCTION public.touch() IS 'touches';\n");
  at(sql, "$procedure$ SELECT 1 $procedure$;\n");
  auto table_at = at(sql, "CREATE TABLE public.accounts");
  auto trigger_at = at(sql, "EXECUTE FUNCTION touch();\nALTER TABLE public.accounts DISABLE TRIGGER touch_it;\n"
                            "COMMENT ON TRIGGER touch_it ON public.accounts IS 'keeps it fresh';\n");
  EXPECT_LT(function_at, table_at);
  EXPECT_LT(table_at, trigger_at);
}

TEST(RenderPostgres, SequencesPartitionsIndexesAndPolicies) {
  auto s = postgres();
  Sequence q;
  q.name = {"public", "ids"};
  q.type = "integer";
  q.max_value = 2147483647;
  q.cycle = true;
  q.owned_by_table = Name{"public", "events"};
  q.owned_by_column = "id";
  s.sequences = {q};
  Table events, y2020;
  events.name = {"public", "events"};
  events.columns = {{"id", "integer", true, "nextval('ids'::regclass)"}, {"at", "date", true}};
  events.partition_key = "RANGE (at)";
  events.row_security = events.force_row_security = true;
  events.policies = {{"mine", "select", false, {"public"}, "id > 0", ""},
                     {"writers", "insert", true, {"Admin", "bob"}, "", "at > '2000-01-01'::date"}};
  y2020.name = {"public", "events_2020"};
  y2020.columns = events.columns;
  y2020.partition_of = events.name;
  y2020.partition_bound = "FOR VALUES FROM ('2020-01-01') TO ('2021-01-01')";
  s.tables = {events, y2020};
  Index by_at, by_at_2020;
  by_at.name = {"public", "events_at"};
  by_at.table = "events";
  by_at.keys = {{"at", "", "", "", true, true}};
  by_at_2020 = by_at;
  by_at_2020.name = {"public", "events_2020_at"};  // sorts before, but must come before anyway
  by_at_2020.table = "events_2020";
  Index expression;
  expression.name = {"public", "a_lower"};
  expression.table = "events";
  expression.unique = true;
  expression.keys = {{"", "lower(at::text)", "\"C\"", "text_pattern_ops", false, std::nullopt}};
  expression.include = {"id"};
  expression.where = "id > 10";
  s.indexes = {by_at, expression, by_at_2020};
  auto sql = render_sql(s);
  EXPECT_LT(at(sql, "CREATE SEQUENCE public.ids\n    AS integer\n    START WITH 1\n    INCREMENT BY 1\n    MINVALUE 1\n"
                    "    MAXVALUE 2147483647\n    CACHE 1\n    CYCLE;\n"),
            at(sql, "CREATE TABLE public.events ("));
  at(sql, "\n) PARTITION BY RANGE (at);\n");
  auto attach_at = at(sql, "ALTER TABLE public.events ATTACH PARTITION public.events_2020 FOR VALUES FROM "
                           "('2020-01-01') TO ('2021-01-01');\n");
  EXPECT_LT(at(sql, "CREATE TABLE public.events_2020 ("), attach_at);
  EXPECT_LT(attach_at, at(sql, "ALTER SEQUENCE public.ids OWNED BY public.events.id;\n"));
  EXPECT_LT(at(sql, "CREATE INDEX events_2020_at ON public.events_2020 USING btree (at DESC NULLS FIRST);\n"),
            at(sql, "CREATE INDEX events_at ON public.events USING btree (at DESC NULLS FIRST);\n"));
  at(sql, "CREATE UNIQUE INDEX a_lower ON public.events USING btree ((lower(at::text)) COLLATE \"C\" text_pattern_ops) "
          "INCLUDE (id) WHERE (id > 10);\n");
  at(sql, "ALTER TABLE public.events ENABLE ROW LEVEL SECURITY;\nALTER TABLE public.events FORCE ROW LEVEL SECURITY;\n"
          "CREATE POLICY mine ON public.events AS RESTRICTIVE FOR SELECT TO PUBLIC\n    USING (id > 0);\n"
          "CREATE POLICY writers ON public.events FOR INSERT TO \"Admin\", bob\n"
          "    WITH CHECK (at > '2000-01-01'::date);\n");
}

TEST(RenderPostgres, ViewsAfterTheViewsTheyDependOnTiesByName) {
  auto s = postgres();
  s.views = {view({"public", "a_top"}, " SELECT x\n   FROM \"Middle\";"),
             view({"public", "Middle"}, " SELECT x\n   FROM public.z_base;", true),
             view({"public", "z_base"}, " SELECT 1 AS x;"), view({"public", "b_alone"}, " SELECT 2 AS y;"),
             // Its column alias names a_top, which is no dependency.
             view({"public", "c_alias"}, " SELECT 1 AS a_top;")};
  s.views[0].depends_on = {{"public", "Middle"}};
  s.views[1].depends_on = {{"public", "z_base"}};
  auto sql = render_sql(s);
  auto base = at(sql, "CREATE VIEW public.z_base AS\nSELECT 1 AS x;\n");
  auto middle = at(sql, "CREATE MATERIALIZED VIEW public.\"Middle\" AS\nSELECT x\n   FROM public.z_base;\n");
  auto top = at(sql, "CREATE VIEW public.a_top AS");
  auto alone = at(sql, "CREATE VIEW public.b_alone AS");
  EXPECT_LT(base, middle);
  EXPECT_LT(middle, top);
  EXPECT_LT(alone, base);  // ready from the start and before z_base by name
  EXPECT_LT(alone, at(sql, "CREATE VIEW public.c_alias AS"));
  EXPECT_LT(at(sql, "CREATE VIEW public.c_alias AS"), base);  // no edge from its alias
}

TEST(RenderPostgres, TypesFunctionsTablesAndViewsAreOneDependencyGraph) {
  auto s = postgres();
  Type domain;
  domain.name = {"public", "email"};
  domain.kind = Type::Kind::domain;
  domain.base_type = "text";
  domain.checks = {constraint(ConstraintKind::check, "email_check", {}, "public.is_email(VALUE)")};
  domain.depends_on = {{"public", "is_email"}};
  s.types = {domain};
  Function is_email{{"public", "is_email"}, "t text", false, "CREATE FUNCTION public.is_email(t text) ...", ""};
  Function all_users{{"public", "all_users"}, "", false, "CREATE FUNCTION public.all_users() ...", ""};
  all_users.depends_on = {{"public", "users"}};
  s.functions = {all_users, is_email};
  Table accounts;
  accounts.name = {"public", "accounts"};
  accounts.columns = {Column{"n", "bigint"}};
  accounts.depends_on = {{"public", "all_users"}, {"public", "email"}};
  Table users;
  users.name = {"public", "users"};
  users.columns = {Column{"id", "integer"}};
  s.tables = {accounts, users};
  s.views = {view({"public", "a_view"}, "SELECT 1;")};
  auto sql = render_sql(s);
  EXPECT_LT(at(sql, "FUNCTION public.is_email"), at(sql, "CREATE DOMAIN public.email"));
  EXPECT_LT(at(sql, "CREATE TABLE public.users"), at(sql, "FUNCTION public.all_users"));
  EXPECT_LT(at(sql, "FUNCTION public.all_users"), at(sql, "CREATE TABLE public.accounts"));
  EXPECT_LT(at(sql, "CREATE TABLE public.users"), at(sql, "CREATE VIEW public.a_view"));
}

// Collations and operator classes are SQL text, qualified outside pg_catalog: printed as is.
TEST(RenderPostgres, QualifiedOperatorClassesAndCollationsArePrintedAsTheyAre) {
  auto s = postgres();
  Index trgm;
  trgm.name = {"public", "docs_trgm"};
  trgm.table = "docs";
  trgm.method = "gin";
  trgm.keys = {{"name", "", "other.c2", "extensions.gin_trgm_ops", false, std::nullopt}};
  s.indexes = {trgm};
  auto sql = render_sql(s);
  at(sql, "CREATE INDEX docs_trgm ON public.docs USING gin (name COLLATE other.c2 extensions.gin_trgm_ops);\n");
}

TEST(RenderPostgres, ExtensionsAfterTheExtensionsTheyRequire) {
  auto s = postgres();
  s.extensions = {{"a_needs_z", "public", "1", {"z_base"}}, {"b_alone", "public", "1", {}},
                  {"z_base", "public", "1", {}}};
  auto sql = render_sql(s);
  EXPECT_LT(at(sql, "CREATE EXTENSION b_alone"), at(sql, "CREATE EXTENSION z_base"));
  EXPECT_LT(at(sql, "CREATE EXTENSION z_base"), at(sql, "CREATE EXTENSION a_needs_z"));
}

TEST(RenderPostgres, ExtensionsAndComments) {
  auto s = postgres();
  s.schemas = {"ext", "public"};
  s.extensions = {{"citext", "ext", "1.6"}};
  s.views = {view({"public", "v"}, "SELECT 1;")};
  s.views[0].comment = "a view";
  auto sql = render_sql(s);
  EXPECT_LT(at(sql, "CREATE SCHEMA ext;\n"), at(sql, "CREATE EXTENSION citext WITH SCHEMA ext VERSION '1.6';\n"));
  at(sql, "COMMENT ON VIEW public.v IS 'a view';\n");
}

TEST(RenderPostgres, QuotesMixedCaseAndReservedNames) {
  auto s = postgres();
  Table t;
  t.name = {"My Schema", "select"};
  t.columns = {{"Order", "integer"}, {"user", "text"}, {"plain_name", "text"}};
  s.schemas = {"My Schema"};
  s.tables = {t};
  auto sql = render_sql(s);
  at(sql, "CREATE SCHEMA \"My Schema\";\n");
  at(sql, "CREATE TABLE \"My Schema\".\"select\" (\n    \"Order\" integer,\n    \"user\" text,\n    plain_name text\n);");
}

TEST(RenderPostgres, TheSameModelInAnotherMemberOrderRendersTheSameBytes) {
  auto s = postgres();
  Table a, b;
  a.name = {"public", "a"};
  a.columns = {{"id", "integer"}};
  a.constraints = {constraint(ConstraintKind::check, "c2", {}, "id > 2"), constraint(ConstraintKind::check, "c1", {}, "id > 1")};
  b.name = {"public", "b"};
  b.columns = {{"id", "integer"}};
  s.tables = {a, b};
  s.views = {view({"public", "v1"}, "SELECT 1;"), view({"public", "v2"}, "SELECT 2;")};
  auto other = s;
  std::swap(other.tables[0], other.tables[1]);
  std::swap(other.tables[1].constraints[0], other.tables[1].constraints[1]);
  std::swap(other.views[0], other.views[1]);
  EXPECT_EQ(render_sql(s), render_sql(other));
  EXPECT_LT(at(render_sql(s), "c1 CHECK"), at(render_sql(s), "c2 CHECK"));
}

Schema sqlite() { return Schema{}; }

TEST(RenderSqlite, TablesWithEverythingInline) {
  auto s = sqlite();
  Table t;
  t.name = {"", "Order Items"};
  t.columns = {{"id", "INTEGER", false, std::nullopt, "autoincrement"},
               {"name", "TEXT", true, "'x'", "", std::nullopt, false, "NOCASE"},
               {"total", "REAL", false, "(1 + 2)"},
               {"twice", "REAL", false, std::nullopt, "", "total * 2", false},
               {"order", "INT"},
               {"parent", ""}};
  t.constraints = {constraint(ConstraintKind::primary_key, "", {"id"}),
                   constraint(ConstraintKind::unique, "uq", {"name", "order"}),
                   constraint(ConstraintKind::check, "", {}, "total > 0"),
                   foreign_key("", {"parent"}, {"", "Order Items"}, {}),
                   foreign_key("fk_x", {"order"}, {"", "orders"}, {"id"})};
  t.constraints[3].foreign_key->on_delete = "set null";
  t.constraints[4].deferrable = t.constraints[4].initially_deferred = true;
  t.strict = true;
  Table w;
  w.name = {"", "kv"};
  w.columns = {{"k", "TEXT", true}, {"v", "ANY"}};
  w.constraints = {constraint(ConstraintKind::primary_key, "kv_pk", {"k"})};
  w.without_rowid = true;
  s.tables = {w, t};
  EXPECT_EQ(render_sql(s),
            "-- SQLite schema written by migrate: canonical and dependency-ordered.\n"
            "-- Run on an empty database: sqlite3 <database> < <this file>\n"
            "\n"
            "CREATE TABLE kv (\n    k TEXT NOT NULL,\n    v ANY,\n    CONSTRAINT kv_pk PRIMARY KEY (k)\n) WITHOUT ROWID;\n"
            "\n"
            "CREATE TABLE \"Order Items\" (\n"
            "    id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
            "    name TEXT NOT NULL COLLATE NOCASE DEFAULT 'x',\n"
            "    total REAL DEFAULT (1 + 2),\n"
            "    twice REAL GENERATED ALWAYS AS (total * 2) VIRTUAL,\n"
            "    \"order\" INT,\n"
            "    parent,\n"
            "    CONSTRAINT uq UNIQUE (name, \"order\"),\n"
            "    CHECK (total > 0),\n"
            "    FOREIGN KEY (parent) REFERENCES \"Order Items\" ON DELETE SET NULL,\n"
            "    CONSTRAINT fk_x FOREIGN KEY (\"order\") REFERENCES orders (id) DEFERRABLE INITIALLY DEFERRED\n"
            ") STRICT;\n");
}

TEST(RenderSqlite, IndexesViewsInDependencyOrderAndTriggers) {
  auto s = sqlite();
  Table t;
  t.name = {"", "t"};
  t.columns = {{"a", "TEXT"}};
  s.tables = {t};
  Index i;
  i.name = {"", "ix"};
  i.table = "t";
  i.unique = true;
  i.keys = {{"a", "", "NOCASE", "", true}, {"", "lower(a)"}};
  i.where = "a IS NOT NULL";
  s.indexes = {i};
  s.views = {view({"", "A_top"}, "SELECT * FROM \"Z_Base\""), view({"", "z_base"}, "SELECT a FROM t")};
  s.views[0].columns = {"renamed"};
  s.views[1].columns = {"x", "Two Words"};
  s.triggers = {{{"", "t"}, "tr", "CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END"}};
  auto sql = render_sql(s);
  at(sql, "CREATE UNIQUE INDEX ix ON t (a COLLATE NOCASE DESC, lower(a)) WHERE a IS NOT NULL;\n");
  // The column list is always printed: it may name the columns differently from the SELECT.
  EXPECT_LT(at(sql, "CREATE VIEW z_base(x, \"Two Words\") AS SELECT a FROM t;\n"),
            at(sql, "CREATE VIEW A_top(renamed) AS SELECT * FROM"));
  at(sql, "\nCREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END;\n");
}

TEST(RenderSqlite, NamesAreQuotedWhenNotPlainOrKeywords) {
  using render_detail::sqlite_name;
  EXPECT_EQ(sqlite_name("users"), "users");
  EXPECT_EQ(sqlite_name("MixedCase_1"), "MixedCase_1");
  EXPECT_EQ(sqlite_name("select"), "\"select\"");
  EXPECT_EQ(sqlite_name("Order"), "\"Order\"");
  EXPECT_EQ(sqlite_name("two words"), "\"two words\"");
  EXPECT_EQ(sqlite_name("1st"), "\"1st\"");
  EXPECT_EQ(sqlite_name("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(sqlite_name("naïve"), "\"naïve\"");
  EXPECT_EQ(sqlite_name("a$b"), "\"a$b\"");  // the normalizer's rule too (sql::quote_sqlite_name)
}

TEST(RenderSqlite, TheSameModelInAnotherMemberOrderRendersTheSameBytes) {
  auto s = sqlite();
  Table a, b;
  a.name = {"", "Alpha"};
  a.columns = {{"id", "INTEGER"}};
  b.name = {"", "beta"};
  b.columns = {{"id", "INTEGER"}};
  s.tables = {a, b};
  auto other = s;
  std::swap(other.tables[0], other.tables[1]);
  EXPECT_EQ(render_sql(s), render_sql(other));
  EXPECT_LT(at(render_sql(s), "Alpha"), at(render_sql(s), "beta"));  // ASCII case folded
}

TEST(RenderDependencyOrder, ReadyNodesByIndexAndCyclesBrokenByLowestIndex) {
  using render_detail::dependency_order;
  EXPECT_EQ(dependency_order({{1}, {2}, {}}), (std::vector<std::size_t>{2, 1, 0}));
  EXPECT_EQ(dependency_order({{}, {}, {0}}), (std::vector<std::size_t>{0, 1, 2}));
  EXPECT_EQ(dependency_order({{1}, {0}, {}}), (std::vector<std::size_t>{2, 0, 1}));
  EXPECT_EQ(dependency_order({{0}}), (std::vector<std::size_t>{0}));
}

}  // namespace
}  // namespace migrate::schema
