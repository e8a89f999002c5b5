#include "runtime/validation.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "core/error.hpp"
#include "util/files.hpp"

namespace migrate::runtime {

namespace {

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    auto nl = text.find('\n', start);
    if (nl == std::string_view::npos) {
      lines.push_back(text.substr(start));
      break;
    }
    lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

/// One run of differing lines: `deleted` lines of `before` from `at` (0-based), replaced by
/// `inserted` lines.
struct Hunk {
  std::size_t at = 0;
  std::size_t deleted = 0;
  std::size_t inserted = 0;
};

/// Hunks of the middle part (common prefix and suffix removed) through a plain LCS table;
/// above `k_max_cells` the middle is reported as one hunk, which is still a true summary.
std::vector<Hunk> diff_hunks(const std::vector<std::string_view>& a, const std::vector<std::string_view>& b) {
  std::size_t prefix = 0;
  while (prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) ++prefix;
  std::size_t suffix = 0;
  while (suffix < a.size() - prefix && suffix < b.size() - prefix &&
         a[a.size() - 1 - suffix] == b[b.size() - 1 - suffix])
    ++suffix;
  std::size_t n = a.size() - prefix - suffix, m = b.size() - prefix - suffix;
  if (n == 0 && m == 0) return {};
  constexpr std::size_t k_max_cells = 4'000'000;
  if (n == 0 || m == 0 || (n + 1) * (m + 1) > k_max_cells) return {Hunk{prefix, n, m}};

  // lcs[i][j]: LCS length of a[prefix+i..] and b[prefix+j..].
  std::vector<std::vector<unsigned>> lcs(n + 1, std::vector<unsigned>(m + 1, 0));
  for (std::size_t i = n; i-- > 0;)
    for (std::size_t j = m; j-- > 0;)
      lcs[i][j] = a[prefix + i] == b[prefix + j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);

  std::vector<Hunk> hunks;
  Hunk open{};
  bool in_hunk = false;
  auto flush = [&] {
    if (in_hunk) hunks.push_back(open);
    in_hunk = false;
  };
  std::size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[prefix + i] == b[prefix + j]) {
      flush();
      ++i, ++j;
      continue;
    }
    if (!in_hunk) open = Hunk{prefix + i, 0, 0}, in_hunk = true;
    if (j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j])) {
      ++open.inserted, ++j;
    } else {
      ++open.deleted, ++i;
    }
  }
  flush();
  return hunks;
}

std::string plural(std::size_t n, const std::string& word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

std::string line_range(std::size_t first, std::size_t count) {
  if (count == 1) return "line " + std::to_string(first);
  return "lines " + std::to_string(first) + "-" + std::to_string(first + count - 1);
}

std::string describe(const Hunk& h) {
  if (h.deleted == 0)
    return plural(h.inserted, "line") + " added " + (h.at == 0 ? "at the start" : "after line " + std::to_string(h.at));
  if (h.inserted == 0) return line_range(h.at + 1, h.deleted) + " removed";
  if (h.inserted == h.deleted) return line_range(h.at + 1, h.deleted) + " changed";
  return line_range(h.at + 1, h.deleted) + " replaced by " + plural(h.inserted, "line");
}

}  // namespace

std::string diff_summary(std::string_view before, std::string_view after, std::size_t max_hunks) {
  auto hunks = diff_hunks(split_lines(before), split_lines(after));
  if (hunks.empty()) return "no line changed (line endings or the end of the file differ)";
  std::string out;
  for (std::size_t k = 0; k < hunks.size() && k < max_hunks; ++k) out += (k ? ", " : "") + describe(hunks[k]);
  if (hunks.size() > max_hunks) out += ", and " + plural(hunks.size() - max_hunks, "more change");
  return out;
}

std::vector<std::string> applied_revisions(const graph::RevisionMap& map, const std::vector<std::string>& rows) {
  // Rows first (row order, those the map does not know included), then the ancestors in
  // load order: stable, readable messages, and no sort (ten thousand are one pass).
  const auto& revisions = map.revisions();
  const auto applied = map.at_or_below(rows);
  std::vector<char> is_row(revisions.size(), 0);
  std::unordered_set<std::string_view> unknown_rows;
  std::vector<std::string> out;
  for (const auto& id : rows) {
    const auto* rev = map.find(id);
    const bool first = rev ? !std::exchange(is_row[rev->load_index], 1) : unknown_rows.insert(id).second;
    if (first) out.push_back(id);
  }
  for (std::size_t i = 0; i < revisions.size(); ++i)
    if (applied[i] && !is_row[i]) out.push_back(revisions[i].id);
  return out;
}

RecordedChecksums::RecordedChecksums(const graph::RevisionMap& map) : m_map(map), m_by_index(map.revisions().size()) {}

Journal::RecordedChecksumSink RecordedChecksums::sink() {
  return [this](std::string&& revision, RecordedChecksum&& r) { add(std::move(revision), std::move(r)); };
}

void RecordedChecksums::add(std::string&& revision, RecordedChecksum&& r) {
  const auto* rev = m_map.find(revision);
  if (!rev) return;
  Slot& slot = m_by_index[rev->load_index];
  if (r.id < slot.row) return;  // an older row of the revision: the newer one stands
  slot.row = r.id;
  // Written under another rule: it cannot be compared (a later release that changes the
  // rule migrates its own rows).
  slot.comparable = !r.checksum.empty() && (r.checksum_algorithm.empty() || r.checksum_algorithm == k_checksum_algorithm);
  // Held as 32 bytes only when that is exactly how it reads back (lower-case hex, as
  // migrate writes it): any other text is compared, and shown, as written.
  auto digest = util::Sha256Digest::from_hex(r.checksum);
  if (digest && digest->hex() != r.checksum) digest.reset();
  slot.digest = digest.value_or(util::Sha256Digest());
  if (digest) m_not_hex.erase(rev->load_index);
  else m_not_hex[rev->load_index] = std::move(r.checksum);
}

std::optional<std::pair<std::string, long long>> RecordedChecksums::mismatch(const graph::Revision& rev,
                                                                               const util::Sha256Digest& file) const {
  const Slot& slot = m_by_index[rev.load_index];
  if (!slot.comparable) return std::nullopt;
  if (auto odd = m_not_hex.find(rev.load_index); odd != m_not_hex.end()) return std::pair(odd->second, slot.row);
  if (slot.digest == file) return std::nullopt;
  return std::pair(slot.digest.hex(), slot.row);
}

ValidationReport validate_applied(const graph::RevisionMap& map, const std::vector<std::string>& rows,
                                  const FileLookup& files, const std::function<bool(const std::string&)>& has_file,
                                  backend::Backend& db, const VersionTable& vt) {
  if (applied_revisions(map, rows).empty()) return {};
  RecordedChecksums recorded(map);
  Journal(db, vt).for_each_recorded_checksum(recorded.sink());
  return validate_applied(map, rows, files, has_file, db, vt, recorded);
}

ValidationReport validate_applied(const graph::RevisionMap& map, const std::vector<std::string>& rows,
                                  const FileLookup& files, const std::function<bool(const std::string&)>& has_file,
                                  backend::Backend& db, const VersionTable& vt, const RecordedChecksums& recorded) {
  ValidationReport report;
  auto applied = applied_revisions(map, rows);
  if (applied.empty()) return report;
  Journal journal(db, vt);
  for (const auto& id : applied) {
    if (!has_file(id)) {
      report.missing_files.push_back(id);
      continue;
    }
    const auto* file = files(id);
    const auto* rev = map.find(id);
    if (!file || !rev) continue;
    const auto differs = recorded.mismatch(*rev, file->checksum);
    if (!differs) continue;
    ChecksumMismatch m;
    m.revision = id;
    m.file = file->path.string();
    m.recorded_checksum = differs->first;
    m.file_checksum = file->checksum.hex();
    // The text the recorded checksum describes: that row's copy, else the newest copy.
    std::string before;
    if (auto row = journal.get(differs->second)) {
      m.recorded_at = row->started_at;
      before = row->file_content;
    }
    if (before.empty())
      if (auto copy = journal.stored_copy(id)) before = copy->file_content;
    if (!before.empty()) {
      try {
        m.diff = diff_summary(before, script::normalized_file_text(util::read_file(file->path)));
      } catch (const std::exception&) {
        m.diff = "";  // unreadable now: the checksum mismatch is still the message
      }
    }
    report.mismatches.push_back(std::move(m));
  }
  return report;
}

void require_valid(const ValidationReport& report, const std::string& command) {
  if (!report.mismatches.empty()) {
    const auto& m = report.mismatches.front();
    std::string message = "revision " + m.revision + " is applied, but its file " + m.file +
                          " changed since it was applied (checksum recorded " + m.recorded_at + ")";
    if (!m.diff.empty()) message += ": " + m.diff;
    if (report.mismatches.size() > 1)
      message += "; " + std::to_string(report.mismatches.size() - 1) +
                 " more applied file(s) changed too (see `migrate repair`)";
    throw Error(ErrorKind::needs_repair, message,
                "restore the file as it was applied (e.g. `git checkout -- " + m.file +
                    "`), or, if the edit is deliberate and the database already matches it, record it with "
                    "`migrate repair --accept-checksum " + m.revision + " --reason \"...\"`");
  }
  if (!report.missing_files.empty() && command == "upgrade") {
    const auto& id = report.missing_files.front();
    throw Error(ErrorKind::needs_repair,
                "revision " + id + " is applied, but its file is gone from the version locations",
                "restore the file (e.g. check out the release that added it), or downgrade off it with "
                "`migrate downgrade -1` (its downgrade SQL is taken from the copy stored in the journal), "
                "or record the real state by hand with `migrate stamp`");
  }
}

}  // namespace migrate::runtime
