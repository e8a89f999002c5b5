#pragma once
/// Graph-specific error data (ARCHITECTURE.md: subclasses only where they carry data).
///
/// Every graph error is a `migrate::Error`; this header adds the one that callers may want to
/// catch on purpose, `MultipleHeadsError`, and the Alembic texts for "multiple heads", which
/// differ by the command that hit them (docs/revision-graph.md).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace migrate::graph {

/// Which Alembic wording a "multiple heads" failure uses (docs/revision-graph.md).
enum class HeadsContext {
  /// upgrade, downgrade, history, show, ...: "Multiple head revisions are present for given
  /// argument '<arg>'; please specify a specific target revision, '<branchname>@<arg>' to
  /// narrow to a specific head, or 'heads' for all heads"
  command,
  /// revision, merge: "Multiple heads are present; please specify the head revision on which
  /// the new revision should be based, or perform a merge."
  revision,
  /// stamp: "Multiple heads are present; please specify a single target revision"
  stamp,
  /// ScriptDirectory.get_current_head(): "The script directory has multiple heads (due to
  /// branching).Please use get_heads(), or merge the branches using alembic merge." (sic)
  current_head,
};

/// `items` joined by ", " for a message, cut after the first `shown`: "a, b, c and 99,997
/// more". A graph of thousands of revisions must not turn one error into a page of ids.
std::string short_list(const std::vector<std::string>& items, std::size_t shown = 10);

/// The user-facing message for `context`; `argument` is what the user typed (e.g. `head`,
/// `foo@head`), used by `HeadsContext::command` only.
std::string multiple_heads_message(HeadsContext context, std::string_view argument);

/// Kind `multiple_heads`. `heads()` are the full ids that matched, in load order; the hint
/// lists them.
class MultipleHeadsError : public Error {
 public:
  MultipleHeadsError(std::vector<std::string> heads, std::string argument, HeadsContext context);

  const std::vector<std::string>& heads() const noexcept { return m_heads; }
  /// The argument as typed (`head`, `foo@head`, `heads`).
  const std::string& argument() const noexcept { return m_argument; }

 private:
  std::vector<std::string> m_heads;
  std::string m_argument;
};

}  // namespace migrate::graph
