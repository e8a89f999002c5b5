// backend::Redactor, the one password redactor: the transcripts users reported and the
// leaks a fuzz run found, each as a connection string and as text that echoes it.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "backend/redact.hpp"

namespace migrate::backend {
namespace {

/// The redacted string and a message quoting the raw one both hide `password` (and every
/// piece of it listed in `pieces`), or are withheld outright.
void expect_hidden(const std::string& connection_string, const std::vector<std::string>& pieces) {
  Redactor redactor(connection_string);
  std::vector<std::string> outputs{redactor.shown(),
                                   redactor.text("error: cannot use '" + connection_string + "' here"),
                                   redactor.text(connection_string)};
  for (const auto& out : outputs)
    for (const auto& piece : pieces)
      EXPECT_EQ(out.find(piece), std::string::npos)
          << "'" << piece << "' shows in: " << out << "\n(from " << connection_string << ")";
}

TEST(RedactorTest, TheReportedTranscripts) {
  EXPECT_EQ(redact_url("postgress://app@db/app?password=s3cret"), "postgress://app@db/app?password=***");
  EXPECT_EQ(redact_url("host=db port=5432 dbname=app user=app password=Pw0rdX"),
            "host=db port=5432 dbname=app user=app password=***");
  EXPECT_EQ(redact_url("postgresql://u:p@ssW0rd@127.0.0.1/db"), "postgresql://u:***@127.0.0.1/db");
  // libpq reads the password "p" and the host "ssW0rd@127.0.0.1", and says so.
  Redactor redactor("postgresql://u:p@ssW0rd@127.0.0.1/db");
  auto message = redactor.text("could not translate host name \"ssW0rd@127.0.0.1\" to address");
  EXPECT_EQ(message.find("ssW0rd"), std::string::npos) << message;
}

TEST(RedactorTest, UnencodedSpecialCharactersInTheUserinfo) {
  for (std::string special : {"@", ":", "/", "%", "?", "#", "'", "\"", " "}) {
    std::string password = "Sek" + special + "ret77";
    expect_hidden("postgresql://app:" + password + "@db.example/app", {password, "ret77"});
  }
  EXPECT_EQ(redact_url("postgresql://app:Sek?ret77@db/app"), "postgresql://app:***@db/app");
  EXPECT_EQ(redact_url("postgresql://app:Sek#ret77@db/app?sslmode=require"),
            "postgresql://app:***@db/app?sslmode=require");
}

TEST(RedactorTest, QueryPasswordsInAnyCaseAndEncoding) {
  EXPECT_EQ(redact_url("postgresql://u@h/db?pass%77ord=Hid3me99"), "postgresql://u@h/db?pass%77ord=***");
  EXPECT_EQ(redact_url("postgresql://u@h/db?PASSWORD=Upp3rCase"), "postgresql://u@h/db?PASSWORD=***");
  EXPECT_EQ(redact_url("postgresql://u@h/db?password=a#bcdefgh"), "postgresql://u@h/db?password=***");
  EXPECT_EQ(redact_url("postgresql://u@h/db?sslpassword=K3yPass&sslmode=require"),
            "postgresql://u@h/db?sslpassword=***&sslmode=require");
  expect_hidden("postgresql://u@h/db?password=a#bcdefgh", {"bcdefgh"});
  expect_hidden("postgresql://u@h/db?Password=Mix3dCase", {"Mix3dCase"});
  expect_hidden("postgresql://u@h/db?password=P%40ss%3Fword", {"P%40ss%3Fword", "P@ss?word"});
}

TEST(RedactorTest, LongestSecretFirst) {
  // "abcd" is a prefix of "abcdefgh": replaced first, it would leave "efgh" behind.
  Redactor redactor("postgresql://u:abcd@h/db?password=abcdefgh");
  EXPECT_EQ(redactor.text("tried abcdefgh then abcd"), "tried *** then ***");
}

TEST(RedactorTest, EncodedAndDecodedFormsOfASecret) {
  Redactor redactor("postgresql://u:p%40ss%2Fw0rd@h/db");
  EXPECT_EQ(redactor.text("as written p%40ss%2Fw0rd, decoded p@ss/w0rd, lower p%40ss%2fw0rd"),
            "as written ***, decoded ***, lower ***");
}

TEST(RedactorTest, KeywordStrings) {
  EXPECT_EQ(redact_url("host=h password=secret dbname=d"), "host=h password=*** dbname=d");
  EXPECT_EQ(redact_url("host=h password = 'two words' dbname=d"), "host=h password = *** dbname=d");
  expect_hidden("host=h password='it\\'s a secret' dbname=d", {"secret", "it\\'s a secret", "it's a secret"});
  expect_hidden("host=h password=back\\ slash dbname=d", {"back\\ slash"});
  // An unterminated quote: libpq would not read it, and neither can this.
  EXPECT_EQ(redact_url("host=h password='never closed"), std::string(k_withheld_connection_string));
}

TEST(RedactorTest, OtherSchemesAndNonUrls) {
  EXPECT_EQ(redact_url("mysql://u:p4ssw0rd@h/db"), "mysql://u:***@h/db");
  EXPECT_EQ(redact_url("sqlite:///app.db"), "sqlite:///app.db");
  EXPECT_EQ(redact_url("sqlite:///app.db?password=junk1"), "sqlite:///app.db?password=***");
  EXPECT_EQ(redact_url("app.db"), "app.db");
  // A mistyped URL with a userinfo: nothing says where the password ends.
  EXPECT_EQ(redact_url("postgresql:/u:pw1234@h/db"), std::string(k_withheld_connection_string));
}

TEST(RedactorTest, PiecesOfAPasswordLibpqReadsAsHostPortOrDatabaseAreHidden) {
  // libpq stops the userinfo at the '/': it reads host "u", port "Lock" and database
  // "Smith@ssW0rd@db/app", and quotes them in its messages.
  Redactor redactor("postgresql://u:Lock/Smith@ssW0rd@db/app");
  EXPECT_EQ(redactor.shown(), "postgresql://u:***@db/app");
  EXPECT_EQ(redactor.text("invalid port number: \"Lock\""), "invalid port number: \"***\"");
  auto message = redactor.text("database \"Smith@ssW0rd@db/app\" does not exist");
  EXPECT_EQ(message.find("Smith"), std::string::npos) << message;
  EXPECT_EQ(message.find("ssW0rd"), std::string::npos) << message;
  EXPECT_EQ(redactor.text("could not translate host name \"db\""), "could not translate host name \"db\"");
  // A piece too short to replace withholds the text that holds it.
  EXPECT_EQ(Redactor("postgresql://u:p/a@ss@db/app").text("invalid port number: \"p\""),
            std::string(k_withheld_message));
}

TEST(RedactorTest, ShortSecretsWithholdTheText) {
  Redactor redactor("postgresql://alice:ab@db/app");
  EXPECT_EQ(redactor.text("nothing to hide"), "nothing to hide");
  EXPECT_EQ(redactor.text("a cab"), std::string(k_withheld_message));
}

TEST(RedactorTest, AddedSecretsAreHiddenToo) {
  Redactor redactor("postgresql://u@h/db");
  redactor.add_secret("fromPGPASSWORD");
  EXPECT_EQ(redactor.text("pg_dump: password fromPGPASSWORD rejected"), "pg_dump: password *** rejected");
  EXPECT_TRUE(redactor.reveals("x fromPGPASSWORD"));
}

}  // namespace
}  // namespace migrate::backend
