#!/usr/bin/env bash
# Benchmarks (not tests): prints figures, asserts nothing. Machines are shared and noisy, so
# every figure that can be is reported against a floor measured in the same run.
#   (a) `migrate heads` and `migrate history` over 10,000 generated revision files with
#       branches and merges (target < 0.2 s each);
#   (b) `migrate upgrade head` of 1,000 revisions on a fresh SQLite file against `sqlite3`
#       executing the same SQL with the same per-revision transactions and version-table
#       writes (the floor script is `migrate upgrade head --sql`) (target < 1.5x);
#   (c) peak memory (max RSS) of those runs (target < 50 MB).
# Usage: scripts/bench.sh [--runs N]. Builds build/ first (scripts/setup.sh).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs=5
[[ "${1:-}" == "--runs" ]] && runs="$2"
"$root/scripts/install-deps.sh" --test
"$root/scripts/setup.sh"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
MIGRATE="$root/build/migrate" WORK="$work" RUNS="$runs" python3 - <<'PY'
import os, resource, subprocess, time, statistics

migrate, work, runs = os.environ["MIGRATE"], os.environ["WORK"], int(os.environ["RUNS"])

def write_project(path, revisions, url):
    os.makedirs(f"{path}/migrations/versions", exist_ok=True)
    with open(f"{path}/migrate.toml", "w") as f:
        f.write(f'script_location = "migrations"\n[database]\nurl = "{url}"\n')
    for i, (rev, down, up, downsql) in enumerate(revisions):
        downs = "[" + ", ".join(f'"{d}"' for d in down) + "]"
        with open(f"{path}/migrations/versions/{i:05d}_{rev}.sql", "w") as f:
            f.write(f'-- migrate:revision\n-- revision = "{rev}"\n-- down_revision = {downs}\n'
                    f'-- message = "revision {i}"\n\n-- migrate:upgrade\n{up}\n\n-- migrate:downgrade\n{downsql}\n')

def branchy_graph(n):
    """A main line that every 50 revisions splits into two 10-revision branches and merges."""
    revs, head, i = [], None, 0
    def rid(k): return f"r{k:06d}"
    while i < n:
        if i % 50 == 0 and i + 22 <= n and head:
            a, b, base = head, head, head
            for side in range(2):
                prev = base
                for _ in range(10):
                    revs.append((rid(i), [prev], "", "")); prev = rid(i); i += 1
                if side == 0: a = prev
                else: b = prev
            revs.append((rid(i), [a, b], "", "")); head = rid(i); i += 1
        else:
            revs.append((rid(i), [head] if head else [], "", "")); head = rid(i); i += 1
    return revs

def measure(cmd, cwd, stdin=None):
    """Wall time (s) and the child's max RSS (MB) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    elapsed = time.perf_counter() - t
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(rss, before) / 1024.0

def best_of(fn):
    results = [fn() for _ in range(runs)]
    return min(r[0] for r in results), statistics.median(r[0] for r in results), max(r[1] for r in results)

peak = 0.0
big = f"{work}/big"
write_project(big, branchy_graph(10000), "sqlite:///big.db")
for name in ("heads", "history"):
    best, median, rss = best_of(lambda: measure([migrate, name], big))
    peak = max(peak, rss)
    print(f"(a) {name:8s} 10,000 revisions: best {best*1000:7.1f} ms, median {median*1000:7.1f} ms, max RSS {rss:5.1f} MB  (target < 200 ms)")

lin = f"{work}/linear"
revs, prev = [], None
for i in range(1000):
    rev = f"l{i:05d}"
    revs.append((rev, [prev] if prev else [],
                 f"CREATE TABLE t{i} (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\nINSERT INTO t{i} (name) VALUES ('x');",
                 f"DROP TABLE t{i};"))
    prev = rev
write_project(lin, revs, "sqlite:///app.db")
floor_sql = subprocess.run([migrate, "upgrade", "head", "--sql"], cwd=lin, capture_output=True, text=True, check=True).stdout
with open(f"{lin}/floor.sql", "w") as f: f.write(floor_sql)

def run_migrate():
    if os.path.exists(f"{lin}/app.db"): os.remove(f"{lin}/app.db")
    return measure([migrate, "-q", "upgrade", "head"], lin)

def run_floor():
    if os.path.exists(f"{lin}/floor.db"): os.remove(f"{lin}/floor.db")
    with open(f"{lin}/floor.sql") as sql:
        return measure(["sqlite3", "floor.db"], lin, stdin=sql)

m_best, m_median, m_rss = best_of(run_migrate)
f_best, f_median, _ = best_of(run_floor)
peak = max(peak, m_rss)
print(f"(b) upgrade head, 1,000 revisions: migrate best {m_best*1000:.0f} ms (median {m_median*1000:.0f}), "
      f"sqlite3 floor best {f_best*1000:.0f} ms (median {f_median*1000:.0f}); ratio {m_best/f_best:.2f}x best, "
      f"{m_median/f_median:.2f}x median  (target < 1.5x)")
print(f"(c) peak memory (max RSS of any migrate run above): {peak:.1f} MB  (target < 50 MB)")
PY
