"""The measuring half of scripts/bench.sh (run it through that script, which builds migrate and
starts the PostgreSQL server). Environment: MIGRATE (binary), WORK (scratch folder), RUNS,
ONLY (comma-separated parts a-e), PG_URL (a database on the throwaway server; empty when no
PostgreSQL part is selected), PG_BINDIR (psql's folder).

Timing is wall clock from start to exit of the client process. Where a figure has a floor,
migrate and floor runs alternate (and swap order every pass), so that load from other
processes on the machine falls on both alike; ratios are of figures from the same run."""
import os
import re
import statistics
import subprocess
import sys
import time
from urllib.parse import urlsplit, urlunsplit

migrate = os.environ["MIGRATE"]
work = os.environ["WORK"]
runs = int(os.environ["RUNS"])
only = set(os.environ.get("ONLY", "a,b,c,d,e").split(","))
pg_url = os.environ.get("PG_URL", "")
pg_log = os.environ.get("PG_LOG", "")  # the server's log, for the statement counts of (d)
psql = os.path.join(os.environ.get("PG_BINDIR", "/usr/lib/postgresql/15/bin"), "psql")

peaks = {}  # part -> max RSS (MB) of its migrate runs


def out(line):
    print(line, flush=True)


class Run:
    def __init__(self, wall, cpu, rss):
        self.wall, self.cpu, self.rss = wall, cpu, rss


def measure(cmd, cwd, stdin_path=None):
    """One run of `cmd`: wall time (s), the child's user+system CPU (s) and its own max RSS (MB)
    (wait4, so one child's peak never leaks into another's figure)."""
    stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
    try:
        t = time.perf_counter()
        p = subprocess.Popen(cmd, cwd=cwd, stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        err = p.stderr.read()
        p.stderr.close()
        _, status, usage = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t
        p.returncode = os.waitstatus_to_exitcode(status)  # so Popen does not wait again
    finally:
        if stdin_path:
            stdin.close()
    if p.returncode != 0:
        sys.exit(f"bench: {' '.join(cmd)} (in {cwd}) exited {p.returncode}:\n{err.decode(errors='replace')}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0)


def run_checked(cmd, cwd=None, **kw):
    r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        sys.exit(f"bench: {' '.join(cmd)} exited {r.returncode}:\n{r.stderr}")
    return r.stdout


def note_peak(part, results):
    peaks[part] = max([peaks.get(part, 0.0)] + [r.rss for r in results])


def stats(results, key="wall"):
    values = [getattr(r, key) for r in results]
    return min(values), statistics.median(values)


def ms(seconds):
    return f"{seconds * 1000:.0f} ms"


def alternate(run_migrate, run_floor, prepare=None):
    """`runs` passes of one migrate run and one floor run, migrate first on even passes and the
    floor first on odd ones. `prepare()` (untimed) makes fresh databases before each pass."""
    ms_, fs = [], []
    for i in range(runs):
        if prepare:
            prepare()
        if i % 2 == 0:
            ms_.append(run_migrate())
            fs.append(run_floor())
        else:
            fs.append(run_floor())
            ms_.append(run_migrate())
    return ms_, fs


def compare(label, floor_name, target, ms_, fs):
    m_best, m_median = stats(ms_)
    f_best, f_median = stats(fs)
    pair = statistics.median(m.wall / f.wall for m, f in zip(ms_, fs))
    out(f"{label}: migrate best {ms(m_best)} (median {ms(m_median)}), {floor_name} floor best {ms(f_best)} "
        f"(median {ms(f_median)}); ratio {m_best / f_best:.2f}x best, {m_median / f_median:.2f}x median, "
        f"{pair:.2f}x median of pairs  (target < {target})")
    mc_best, mc_median = stats(ms_, "cpu")
    fc_best, fc_median = stats(fs, "cpu")
    out(f"    client CPU (user+sys): migrate median {ms(mc_median)}, {floor_name} median {ms(fc_median)}")


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

    def rid(k):
        return f"r{k:06d}"

    while i < n:
        if i % 50 == 0 and i + 22 <= n and head:
            a, b, base = head, head, head
            for side in range(2):
                prev = base
                for _ in range(10):
                    revs.append((rid(i), [prev], "", ""))
                    prev = rid(i)
                    i += 1
                if side == 0:
                    a = prev
                else:
                    b = prev
            revs.append((rid(i), [a, b], "", ""))
            head = rid(i)
            i += 1
        else:
            revs.append((rid(i), [head] if head else [], "", ""))
            head = rid(i)
            i += 1
    return revs


def remove(path):
    if os.path.exists(path):
        os.remove(path)


# --- (a) ------------------------------------------------------------------------------------
if "a" in only:
    big = f"{work}/big"
    write_project(big, branchy_graph(10000), "sqlite:///big.db")
    for name in ("heads", "history"):
        results = [measure([migrate, name], big) for _ in range(runs)]
        note_peak("a", results)
        best, median = stats(results)
        out(f"(a) {name:8s} 10,000 revisions: best {best * 1000:7.1f} ms, median {median * 1000:7.1f} ms, "
            f"max RSS {max(r.rss for r in results):5.1f} MB  (target < 200 ms)")

# --- the 1,000-revision projects of (b), (d), (e) -------------------------------------------
def linear_project(path, url, insert):
    """1,000 revisions in a line, each creating a table and inserting a row."""
    revs, prev = [], None
    for i in range(1000):
        rev = f"l{i:05d}"
        revs.append((rev, [prev] if prev else [],
                     f"CREATE TABLE t{i} (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n{insert(i)}",
                     f"DROP TABLE t{i};"))
        prev = rev
    write_project(path, revs, url)


lin = f"{work}/linear"
if only & {"b", "e"}:
    linear_project(lin, "sqlite:///app.db", lambda i: f"INSERT INTO t{i} (name) VALUES ('x');")
lin_pg = f"{work}/linear-pg"
if only & {"d", "e"}:
    # INTEGER PRIMARY KEY is no rowid alias on PostgreSQL: the row names its id.
    linear_project(lin_pg, "postgresql://unused", lambda i: f"INSERT INTO t{i} (id, name) VALUES (1, 'x');")

# --- (b) ------------------------------------------------------------------------------------
if "b" in only:
    with open(f"{lin}/floor.sql", "w") as f:
        f.write(run_checked([migrate, "upgrade", "head", "--sql"], cwd=lin))

    def b_migrate():
        remove(f"{lin}/app.db")
        return measure([migrate, "-q", "upgrade", "head"], lin)

    def b_floor():
        remove(f"{lin}/floor.db")
        return measure(["sqlite3", "floor.db"], lin, stdin_path=f"{lin}/floor.sql")

    ms_, fs = alternate(b_migrate, b_floor)
    note_peak("b", ms_)
    compare("(b) upgrade head, 1,000 revisions, SQLite", "sqlite3", "1.5x", ms_, fs)


# --- PostgreSQL helpers ----------------------------------------------------------------------
def db_url(name):
    parts = urlsplit(pg_url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def admin(sql):
    run_checked([psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", db_url("postgres"), "-c", sql])


def fresh_database(name):
    admin(f"DROP DATABASE IF EXISTS {name}")
    admin(f"CREATE DATABASE {name}")
    return db_url(name)


def statement_mix(name, cmd_for_url):
    """Untimed: run `cmd_for_url(url)` once on a fresh database whose sessions log every
    query (log_statement = all), and count the queries the server received, by kind. A query
    may hold several statements; each is one round trip."""
    if not pg_log or not os.path.exists(pg_log):
        return None
    url = fresh_database(name)
    admin(f"ALTER DATABASE {name} SET log_statement = 'all'")
    start = os.path.getsize(pg_log)
    subprocess.run(cmd_for_url(url), cwd=lin_pg, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.2)  # the log is written by the server processes
    with open(pg_log, "rb") as f:
        f.seek(start)
        text = f.read().decode(errors="replace")
    admin(f"DROP DATABASE IF EXISTS {name}")
    kinds, sessions = {}, set()
    for m in re.finditer(r"\[(\d+)\] LOG:  statement: (.*)", text):
        sessions.add(m.group(1))
        sql = m.group(2).strip()
        if re.match(r"(?i)begin\b", sql):
            kind = "BEGIN"
        elif re.match(r"(?i)commit\b", sql):
            kind = "COMMIT"
        elif re.search(r"pg_catalog|information_schema|current_schema|current_user", sql):
            kind = "catalog/session"
        elif "_journal" in sql:
            kind = "journal"
        elif "migrate_version" in sql:
            kind = "version table"
        else:
            kind = "revision SQL"
        kinds[kind] = kinds.get(kind, 0) + 1
    return sum(kinds.values()), len(sessions), kinds


def describe_mix(label, mix):
    total, sessions, kinds = mix
    order = ["BEGIN", "revision SQL", "version table", "journal", "catalog/session", "COMMIT"]
    parts = ", ".join(f"{k} {kinds[k]}" for k in order if k in kinds)
    return f"{label} {total} ({total / 1000:.1f} per revision; {sessions} session{'s' if sessions != 1 else ''}: {parts})"


if only & {"d", "e"} and not pg_url:
    sys.exit("bench: no PostgreSQL server (PG_URL is empty)")

# --- (d) ------------------------------------------------------------------------------------
if "d" in only:
    # The floor script is generated for the same URL scheme (PostgreSQL dialect: BEGIN;/COMMIT;
    # around each revision, the version-table writes, the version table's CREATE).
    floor_sql = f"{lin_pg}/floor.sql"
    with open(floor_sql, "w") as f:
        f.write(run_checked([migrate, "--url", db_url("bench_floor"), "upgrade", "head", "--sql"], cwd=lin_pg))
    urls = {}

    def d_prepare():
        urls["m"] = fresh_database("bench_migrate")
        urls["f"] = fresh_database("bench_floor")

    def d_migrate():
        return measure([migrate, "-q", "--url", urls["m"], "upgrade", "head"], lin_pg)

    def d_floor():
        return measure([psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", urls["f"], "-f", floor_sql], lin_pg)

    ms_, fs = alternate(d_migrate, d_floor, d_prepare)
    note_peak("d", ms_)
    compare("(d) upgrade head, 1,000 revisions, PostgreSQL", "psql", "1.3x", ms_, fs)
    m_mix = statement_mix("bench_count_migrate", lambda url: [migrate, "-q", "--url", url, "upgrade", "head"])
    f_mix = statement_mix("bench_count_floor",
                          lambda url: [psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-f", floor_sql])
    if m_mix and f_mix:
        out("    queries (round trips) the server received, by kind (one untimed run each, log_statement = all):")
        out("      " + describe_mix("migrate", m_mix))
        out("      " + describe_mix("psql   ", f_mix))
    admin("DROP DATABASE IF EXISTS bench_migrate")
    admin("DROP DATABASE IF EXISTS bench_floor")

# --- (e) ------------------------------------------------------------------------------------
if "e" in only:
    def noop(label, project, url, reference_cmd, reference_name, target):
        run_checked([migrate, "-q", "--url", url, "upgrade", "head"], cwd=project)  # untimed: reach head
        ms_, fs = alternate(lambda: measure([migrate, "-q", "--url", url, "upgrade", "head"], project),
                            lambda: measure(reference_cmd, project))
        note_peak("e", ms_)
        m_best, m_median = stats(ms_)
        f_best, f_median = stats(fs)
        out(f"(e) no-op upgrade head at head, 1,000 revisions, {label}: best {ms(m_best)}, median {ms(m_median)}"
            f"  (target {target}); {reference_name}: best {ms(f_best)}, median {ms(f_median)}")

    noop("PostgreSQL", lin_pg, fresh_database("bench_noop"),
         [psql, "-X", "-q", "-A", "-t", "-d", db_url("bench_noop"), "-c", "SELECT version_num FROM migrate_version"],
         "reference psql reading the version table", "< 50 ms")
    remove(f"{lin}/noop.db")
    noop("SQLite", lin, "sqlite:///noop.db", ["sqlite3", "noop.db", "SELECT version_num FROM migrate_version"],
         "reference sqlite3 reading the version table", "none, for reference")
    admin("DROP DATABASE IF EXISTS bench_noop")

# --- (c) ------------------------------------------------------------------------------------
if "c" in only:
    if peaks:
        detail = ", ".join(f"({p}) {mb:.1f} MB" for p, mb in sorted(peaks.items()))
        out(f"(c) peak memory (max RSS of any migrate run above): {max(peaks.values()):.1f} MB [{detail}]"
            f"  (target < 50 MB)")
    else:
        out("(c) peak memory: no migrate runs selected (add a, b, d or e to --only)")
