#include "schema/json.hpp"

#include <gtest/gtest.h>

namespace migrate::schema {
namespace {

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

Schema two_tables(bool reversed) {
  Schema s;
  s.dialect = Dialect::postgresql;
  Table parent;
  parent.name = {"public", "parent"};
  parent.columns = {{"id", "integer", true}};
  parent.constraints = {{"parent_pkey", ConstraintKind::primary_key, {"id"}}};
  Table child;
  child.name = {"public", "child"};
  child.columns = {{"id", "integer", true}, {"parent_id", "integer"}};
  Constraint fk{"child_parent_id_fkey", ConstraintKind::foreign_key, {"parent_id"}};
  fk.foreign_key = ForeignKey{{"public", "parent"}, {"id"}, "no action", "cascade"};
  child.constraints = {fk};
  s.tables = reversed ? std::vector<Table>{child, parent} : std::vector<Table>{parent, child};
  return s;
}

TEST(SchemaJsonTest, IsTheCanonicalModelWithItsFingerprint) {
  auto doc = to_json(two_tables(false)).dump();
  EXPECT_EQ(doc, to_json(two_tables(true)).dump());  // canonical order, whatever the input order
  EXPECT_TRUE(contains(doc, "{\"format\": \"migrate-schema-v2\", \"dialect\": \"postgresql\", \"fingerprint\": \"" +
                                fingerprint(two_tables(false)) + "\""))
      << doc;
  // child before parent (canonical order by name), every attribute present.
  EXPECT_LT(doc.find("\"name\": \"child\""), doc.find("\"name\": \"parent\"")) << doc;
  EXPECT_TRUE(contains(doc, "{\"name\": \"parent_id\", \"type\": \"integer\", \"not_null\": false, \"default\": null, "
                            "\"identity\": \"\", \"generated\": null, \"generated_stored\": false, \"collation\": \"\", "
                            "\"comment\": \"\"}"))
      << doc;
  EXPECT_TRUE(contains(doc, "\"kind\": \"foreign key\", \"columns\": [\"parent_id\"], \"expression\": \"\", "
                            "\"foreign_key\": {\"parent\": {\"schema\": \"public\", \"name\": \"parent\"}, "
                            "\"parent_columns\": [\"id\"], \"on_update\": \"no action\", \"on_delete\": \"cascade\", "
                            "\"match\": \"simple\"}"))
      << doc;
  EXPECT_TRUE(contains(doc, "\"kind\": \"primary key\", \"columns\": [\"id\"], \"expression\": \"\", \"foreign_key\": null"))
      << doc;
  EXPECT_TRUE(contains(doc, "\"unsupported\": []}")) << doc;
  EXPECT_TRUE(contains(doc, "\"depends_on\": []")) << doc;
}

TEST(SchemaJsonTest, ListsWhatTheModelCannotRepresent) {
  Schema s;
  s.unsupported = {{"rule", "public.keep", "rules are not part of the schema model"}};
  auto doc = to_json(s).dump();
  EXPECT_TRUE(contains(doc, "\"unsupported\": [{\"kind\": \"rule\", \"name\": \"public.keep\", \"why\": "
                            "\"rules are not part of the schema model\"}]"))
      << doc;
}

}  // namespace
}  // namespace migrate::schema
