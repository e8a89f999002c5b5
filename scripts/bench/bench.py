"""The measuring half of scripts/bench.sh (run it through that script, which builds migrate and
starts the PostgreSQL server). Environment: MIGRATE (binary), WORK (scratch folder), RUNS,
ONLY (comma-separated parts a-n), PG_URL (a database on the throwaway server on tmpfs; empty when no
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

from common import *  # noqa: F401,F403 (the shared helpers, the environment)
import fleet
import rows

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
def linear_project(path, url, insert, n=1000):
    """`n` revisions in a line, each creating a table and inserting a row."""
    revs, prev = [], None
    for i in range(n):
        rev = f"l{i:05d}"
        revs.append((rev, [prev] if prev else [],
                     f"CREATE TABLE t{i} (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n{insert(i)}",
                     f"DROP TABLE t{i};"))
        prev = rev
    write_project(path, revs, url)


lin = f"{work}/linear"
if only & {"b", "e", "g"}:
    linear_project(lin, "sqlite:///app.db", lambda i: f"INSERT INTO t{i} (name) VALUES ('x');")
lin_pg = f"{work}/linear-pg"
if only & {"d", "e", "g"}:
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
main_cluster = Cluster(pg_url)
db_url, admin, fresh_database = main_cluster.db_url, main_cluster.admin, main_cluster.fresh_database


def logged_statements(database, cmd, cwd):
    """Untimed: run `cmd` once while the sessions of `database` log every query and its duration
    (log_statement = all, log_min_duration_statement = 0), and return what the server received:
    a list of (session pid, SQL, server time in ms). A query may hold several statements; each
    is one round trip. Empty when the server's log is not readable."""
    if not pg_log or not os.path.exists(pg_log):
        return []
    admin(f"ALTER DATABASE {database} SET log_statement = 'all'")
    admin(f"ALTER DATABASE {database} SET log_min_duration_statement = 0")
    start = os.path.getsize(pg_log)
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.2)  # the log is written by the server processes
    with open(pg_log, "rb") as f:
        f.seek(start)
        text = f.read().decode(errors="replace")
    admin(f"ALTER DATABASE {database} RESET log_statement")
    admin(f"ALTER DATABASE {database} RESET log_min_duration_statement")
    statements, pending = [], {}  # pending: session -> index of its statement awaiting a duration
    for m in re.finditer(r"\[(\d+)\] LOG:  (?:statement: (.*)|duration: ([\d.]+) ms)", text):
        session = m.group(1)
        if m.group(2) is not None:
            pending[session] = len(statements)
            statements.append((session, m.group(2).strip(), 0.0))
        elif session in pending:
            i = pending.pop(session)
            statements[i] = (statements[i][0], statements[i][1], float(m.group(3)))
    return statements


def statement_mix(name, cmd_for_url):
    """The queries `cmd_for_url(url)` sends to a fresh database, by kind of an upgrade's query."""
    url = fresh_database(name)
    statements = logged_statements(name, cmd_for_url(url), lin_pg)
    admin(f"DROP DATABASE IF EXISTS {name}")
    if not statements:
        return None
    kinds = {}
    for _, sql, _ in statements:
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
    return sum(kinds.values()), len({s for s, _, _ in statements}), kinds


def describe_mix(label, mix):
    total, sessions, kinds = mix
    order = ["BEGIN", "revision SQL", "version table", "journal", "catalog/session", "COMMIT"]
    parts = ", ".join(f"{k} {kinds[k]}" for k in order if k in kinds)
    return f"{label} {total} ({total / 1000:.1f} per revision; {sessions} session{'s' if sessions != 1 else ''}: {parts})"


if only & {"d", "e", "f"} and not pg_url:
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

# --- (f) ------------------------------------------------------------------------------------
# The 18 columns after id and parent_id: (name, PostgreSQL type and clauses, SQLite's).
SCHEMA_COLUMNS = [
    ("name", "text NOT NULL", "TEXT NOT NULL"),
    ("code", "varchar(32) NOT NULL DEFAULT 'new'", "VARCHAR(32) NOT NULL DEFAULT 'new'"),
    ("status", "smallint NOT NULL DEFAULT 0", "SMALLINT NOT NULL DEFAULT 0"),
    ("amount", "numeric(12,2) DEFAULT 0", "NUMERIC(12,2) DEFAULT 0"),
    ("ratio", "double precision", "REAL"),
    ("active", "boolean NOT NULL DEFAULT true", "BOOLEAN NOT NULL DEFAULT 1"),
    ("created_at", "timestamptz NOT NULL DEFAULT now()", "TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP"),
    ("updated_at", "timestamptz", "TEXT"),
    ("birthday", "date", "DATE"),
    ("quantity", "integer DEFAULT 1", "INTEGER DEFAULT 1"),
    ("weight", "real", "REAL"),
    ("notes", "text", "TEXT"),
    ("payload", "jsonb DEFAULT '{}'", "TEXT DEFAULT '{}'"),
    ("data", "bytea", "BLOB"),
    ("token", "uuid", "TEXT"),
    ("email", "varchar(255)", "VARCHAR(255)"),
    ("score", "bigint NOT NULL DEFAULT 0", "BIGINT NOT NULL DEFAULT 0"),
    ("flags", "integer NOT NULL DEFAULT 0", "INTEGER NOT NULL DEFAULT 0"),
]


def schema_script(n, postgres):
    """n tables of 20 columns, each with 2 indexes and 1 foreign key (table i references table
    i - 1, table 0 itself). On PostgreSQL one table in 10 has a bigserial id (so the scope has
    sequences owned by columns, without paying a sequence's creation on every table), and a
    transaction holds 1,000 tables: one for all would overflow the server's lock table (each new
    relation stays locked until COMMIT; max_locks_per_transaction = 64 per connection)."""
    per_transaction = 1000 if postgres else n
    lines = []
    for i in range(n):
        if i % per_transaction == 0:
            lines.append("BEGIN;")
        name, parent = f"t{i:05d}", f"t{max(i - 1, 0):05d}"
        if postgres:
            cols = [f"id {'bigserial' if i % 10 == 0 else 'bigint'} PRIMARY KEY",
                    f"parent_id bigint REFERENCES {parent} (id) ON DELETE SET NULL"]
        else:
            cols = ["id INTEGER PRIMARY KEY", f"parent_id INTEGER REFERENCES {parent} (id) ON DELETE SET NULL"]
        cols += [f"{c} {pg if postgres else lite}" for c, pg, lite in SCHEMA_COLUMNS]
        lines.append(f"CREATE TABLE {name} (\n  " + ",\n  ".join(cols) + "\n);")
        lines.append(f"CREATE INDEX {name}_parent_idx ON {name} (parent_id);")
        lines.append(f"CREATE UNIQUE INDEX {name}_code_idx ON {name} (code, created_at DESC);")
        if i % per_transaction == per_transaction - 1 or i == n - 1:
            lines.append("COMMIT;")
    return "\n".join(lines) + "\n"


def write_schema_script(n, postgres):
    path = f"{work}/schema/{'pg' if postgres else 'sqlite'}-{n}.sql"
    with open(path, "w") as f:
        f.write(schema_script(n, postgres))
    return path


def read_line(run):
    """(tables, catalog queries, reader ms) from dump -v's `Read the schema ...` line."""
    m = re.search(r"Read the schema \((\d+) tables, \d+ views, \d+ indexes\) in (\d+) catalog queries, ([\d.]+) ms",
                  run.err)
    if not m:
        sys.exit(f"bench: dump -v printed no `Read the schema` line:\n{run.err}")
    return int(m.group(1)), int(m.group(2)), float(m.group(3))


def catalog_of(sql):
    """The relation a query reads at its top level (subqueries removed): its kind."""
    while True:
        flat = re.sub(r"\([^()]*\)", "", sql)
        if flat == sql:
            break
        sql = flat
    m = re.search(r"(?i)\bFROM\s+(?:pg_catalog\.)?(\w+)", sql)
    return m.group(1) if m else re.sub(r"\s+", " ", sql)[:40]


def describe_catalog_mix(statements):
    kinds = {}
    for _, sql, _ in statements:
        k = catalog_of(sql)
        kinds[k] = kinds.get(k, 0) + 1
    return ", ".join(f"{k} {c}" for k, c in sorted(kinds.items()))


def sessions_of(statements):
    n = len({s for s, _, _ in statements})
    return f"{n} session{'s' if n != 1 else ''}"


def reader_statements(dump, floor):
    """The dump's queries that the floor does not send too: the reader's."""
    floor_sql = {sql for _, sql, _ in floor}
    return [s for s in dump if s[1] not in floor_sql]


schema_dir = f"{work}/schema"
if "f" in only:
    os.makedirs(f"{schema_dir}/migrations/versions", exist_ok=True)
    with open(f"{schema_dir}/migrate.toml", "w") as f:
        f.write('script_location = "migrations"\n[database]\nurl = "sqlite:///unused.db"\n')


def dump_cmd(url):
    # stdout goes to the null device (measure): -o /dev/null would not do, dump writes its file
    # by renaming a temporary file over the path.
    return [migrate, "-v", "--url", url, "--format", "json", "dump"]


def floor_cmd(url):
    return [migrate, "-v", "--url", url, "current"]


def schema_figures(label, url, target):
    """Times dump against its floor on the database at `url`; returns the dump runs."""
    ms_, fs = alternate(lambda: measure(dump_cmd(url), schema_dir), lambda: measure(floor_cmd(url), schema_dir))
    note_peak("f", ms_)
    m_best, m_median = stats(ms_)
    f_best, f_median = stats(fs)
    pair = statistics.median(m.wall - f.wall for m, f in zip(ms_, fs))
    reader = sorted(read_line(r)[2] for r in ms_)
    tables = read_line(ms_[0])[0]
    out(f"(f) dump --format json, {label}: best {ms(m_best)}, median {ms(m_median)}  (target {target}); "
        f"floor `migrate current` best {ms(f_best)}, median {ms(f_median)}; migrate - floor: best "
        f"{ms(m_best - f_best)}, median of pairs {ms(pair)}; reader (-v): best {reader[0]:.0f} ms, median "
        f"{statistics.median(reader):.0f} ms ({tables} tables read); max RSS {max(r.rss for r in ms_):.1f} MB")
    return ms_


def sqlite_schema_database(n):
    path = f"{schema_dir}/schema-{n}.db"
    remove(path)
    run_checked(["sqlite3", path], input=open(write_schema_script(n, False)).read())
    return f"sqlite:///{path}"


def pg_schema_database(n):
    url = fresh_database(f"bench_schema_{n}")
    run_checked([psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-f", write_schema_script(n, True)])
    return url


def pg_query_counts(n, url):
    """The queries one dump and one floor run send, from the server's log (untimed)."""
    dump = logged_statements(f"bench_schema_{n}", dump_cmd(url), schema_dir)
    floor = logged_statements(f"bench_schema_{n}", floor_cmd(url), schema_dir)
    return dump, floor


def slowest(statements, count=3):
    top = sorted(statements, key=lambda s: -s[2])[:count]
    return "; ".join(f"{catalog_of(sql)} {ms_:.1f} ms" for _, sql, ms_ in top)


if "f" in only:
    small = sqlite_schema_database(10)
    lite_small = read_line(measure(dump_cmd(small), schema_dir))[1]
    lite_url = sqlite_schema_database(1000)
    lite = schema_figures("SQLite, 1,000 tables", lite_url, "< 50 ms")
    lite_count = read_line(lite[0])[1]
    out(f"    catalog queries (-v line): {lite_count} for 1,000 tables, {lite_small} for 10 tables: "
        f"{'the same' if lite_count == lite_small else 'NOT the same'}  (target: constant)")
    remove(f"{schema_dir}/schema-10.db")
    remove(f"{schema_dir}/schema-1000.db")

    counts = {}
    for n, target in ((10, None), (1000, "< 150 ms"), (10000, "< 1 s")):
        url = pg_schema_database(n)
        if target:
            runs_ = schema_figures(f"PostgreSQL, {n:,} tables", url, target)
            v_count = read_line(runs_[0])[1]
        else:
            v_count = read_line(measure(dump_cmd(url), schema_dir))[1]
        counts[n] = (pg_query_counts(n, url), v_count)
        admin(f"DROP DATABASE IF EXISTS bench_schema_{n}")
    out("    queries the PostgreSQL server received, by the catalog each reads (one untimed run each, "
        "log_statement = all):")
    reader_counts = {}
    for n, ((dump, floor), v_count) in counts.items():
        reader = reader_statements(dump, floor)
        reader_counts[n] = len(reader)
        out(f"      {n:>6,} tables: dump {len(dump)} in {sessions_of(dump)}, {len(reader)} of them the reader's "
            f"(not sent by the floor too): {describe_catalog_mix(reader)}; -v line {v_count}")
    floor = counts[10][0][1]
    out(f"      floor `migrate current`: {len(floor)} in {sessions_of(floor)}: {describe_catalog_mix(floor)}")
    same = len(set(reader_counts.values())) == 1 and len({len(d) for (d, _), _ in counts.values()}) == 1
    out(f"      the same counts for 10, 1,000 and 10,000 tables: {'yes' if same else 'NO'}  (target: constant)")
    for n in (1000, 10000):
        dump = counts[n][0][0]
        out(f"      server time of the dump's queries, {n:,} tables: {sum(s[2] for s in dump):.0f} ms in all; "
            f"slowest: {slowest(dump)}")


# --- (g) ------------------------------------------------------------------------------------
def drift_figures(label, project, live_url, fresh_url, passes=None):
    """drift and drift --identify on the database at `live_url` (at head), each against the
    replay floor: `upgrade head` of the same project on a fresh database from `fresh_url()`."""
    run_checked([migrate, "-q", "--url", live_url, "upgrade", "head"], cwd=project)  # untimed: reach head
    for args in (["drift"], ["drift", "--identify"]):
        floor_url = {}
        ms_, fs = alternate(lambda: measure([migrate, "-q", "--url", live_url] + args, project),
                            lambda: measure([migrate, "-q", "--url", floor_url["u"], "upgrade", "head"], project),
                            lambda: floor_url.update(u=fresh_url()), passes)
        note_peak("g", ms_)
        m_best, m_median = stats(ms_)
        f_best, f_median = stats(fs)
        out(f"(g) {' '.join(args):16s} {label}: best {ms(m_best)}, median {ms(m_median)}; replay floor "
            f"(upgrade head on an empty database) best {ms(f_best)}, median {ms(f_median)}; ratio "
            f"{m_best / f_best:.2f}x best, {m_median / f_median:.2f}x median; max RSS {max(r.rss for r in ms_):.1f} MB")


def fresh_sqlite(path):
    def make():
        remove(path)
        return f"sqlite:///{path}"
    return make


def wide_project(path, url, postgres):
    """One revision that builds (f)'s 1,000-table schema (its transactions left to the runner)."""
    body = "\n".join(l for l in schema_script(1000, postgres).splitlines() if l not in ("BEGIN;", "COMMIT;"))
    write_project(path, [("w00001", [], body, "")], url)


if "g" in only:
    os.makedirs(f"{work}/schema", exist_ok=True)
    slow = min(runs, 2)  # --identify reads the schema after every one of 1,000 revisions
    drift_figures("1,000 revisions, SQLite", lin, f"sqlite:///{lin}/drift.db", fresh_sqlite(f"{lin}/floor-g.db"),
                  slow)
    wide = f"{work}/wide"
    wide_project(wide, "sqlite:///unused.db", False)
    drift_figures("1 revision of 1,000 tables, SQLite", wide, f"sqlite:///{wide}/drift.db",
                  fresh_sqlite(f"{wide}/floor-g.db"))
    if pg_url:
        drift_figures("1,000 revisions, PostgreSQL", lin_pg, fresh_database("bench_drift"),
                      lambda: fresh_database("bench_drift_floor"), slow)
        wide_pg = f"{work}/wide-pg"
        wide_project(wide_pg, "postgresql://unused", True)
        drift_figures("1 revision of 1,000 tables, PostgreSQL", wide_pg, fresh_database("bench_drift"),
                      lambda: fresh_database("bench_drift_floor"))
        admin("DROP DATABASE IF EXISTS bench_drift")
        admin("DROP DATABASE IF EXISTS bench_drift_floor")

# --- (h) ------------------------------------------------------------------------------------
def altering_project(path, url, n, postgres):
    """`n` revisions in a line, each creating a table with a row and altering the table of the
    revision before it (an existing table: what the lint rules look at): a column added and an
    index built, and on PostgreSQL a foreign key and a check added NOT VALID (on SQLite a unique
    index instead); the downgrade undoes each, newest first."""
    revs, prev = [], None
    for i in range(n):
        rev, t = f"h{i:05d}", f"t{i}"
        if postgres:
            up = [f"CREATE TABLE {t} (id bigint PRIMARY KEY, name text NOT NULL, parent_id bigint);",
                  f"INSERT INTO {t} (id, name) VALUES (1, 'x');"]
        else:
            up = [f"CREATE TABLE {t} (id INTEGER PRIMARY KEY, name TEXT NOT NULL, parent_id INTEGER);",
                  f"INSERT INTO {t} (name) VALUES ('x');"]
        undo = [f"DROP TABLE {t};"]
        if i > 0:
            p = f"t{i - 1}"
            up += [f"ALTER TABLE {p} ADD COLUMN note {'text' if postgres else 'TEXT'};",
                   f"CREATE INDEX {p}_name_idx ON {p} (name);"]
            undo += [f"ALTER TABLE {p} DROP COLUMN note;", f"DROP INDEX {p}_name_idx;"]
            if postgres:
                up += [f"ALTER TABLE {p} ADD CONSTRAINT {p}_parent_fk FOREIGN KEY (parent_id) REFERENCES {t} (id) "
                       f"NOT VALID;",
                       f"ALTER TABLE {p} ADD CONSTRAINT {p}_name_check CHECK (name <> '') NOT VALID;"]
                undo += [f"ALTER TABLE {p} DROP CONSTRAINT {p}_parent_fk;",
                         f"ALTER TABLE {p} DROP CONSTRAINT {p}_name_check;"]
            else:
                up += [f"CREATE UNIQUE INDEX {p}_parent_idx ON {p} (parent_id);"]
                undo += [f"DROP INDEX {p}_parent_idx;"]
        revs.append((rev, [prev] if prev else [], "\n".join(up), "\n".join(reversed(undo))))
        prev = rev
    write_project(path, revs, url)


def lint_summary(project, url):
    """Untimed: the summary line of one `migrate lint` run (`lint: N errors, M warnings in ...`)."""
    r = subprocess.run([migrate, "--url", url, "lint"], cwd=project, capture_output=True, text=True)
    lines = [l for l in (r.stdout + r.stderr).splitlines() if l.startswith("lint:")]
    if r.returncode not in (0, 1) or not lines:
        sys.exit(f"bench: migrate lint (in {project}) exited {r.returncode}:\n{r.stderr}")
    return lines[-1][len("lint: "):]


def lint_figures(label, project, url, files):
    """`migrate lint` against the floor `migrate history` (the same binary, configuration, file
    loading and parsing): lint - floor is the rules' and the statement parser's cost. Lint exits
    1 when an error-level finding remains, as it does here."""
    ms_, fs = alternate(lambda: measure([migrate, "--url", url, "lint"], project, ok=(0, 1)),
                        lambda: measure([migrate, "--url", url, "history"], project))
    note_peak("h", ms_)
    m_best, m_median = stats(ms_)
    f_best, f_median = stats(fs)
    pair = statistics.median(m.wall - f.wall for m, f in zip(ms_, fs))
    out(f"(h) lint {label}: best {ms(m_best)}, median {ms(m_median)}; floor `migrate history` best {ms(f_best)}, "
        f"median {ms(f_median)}; ratio {m_best / f_best:.2f}x best, {m_median / f_median:.2f}x median; lint - floor "
        f"per file: {(m_best - f_best) / files * 1e6:.0f} us best, {pair / files * 1e6:.0f} us median of pairs; "
        f"max RSS {max(r.rss for r in ms_):.1f} MB")
    out(f"    findings: {lint_summary(project, url)}")


def replay_figures(label, args, project, url, fresh_url, passes=None, ok=(0,)):
    """`migrate <args>` against the replay floor: `upgrade head` of the same project on a fresh
    database from `fresh_url()` (made untimed before each pass)."""
    floor_url = {}
    ms_, fs = alternate(lambda: measure([migrate, "-q", "--url", url] + args, project, ok=ok),
                        lambda: measure([migrate, "-q", "--url", floor_url["u"], "upgrade", "head"], project),
                        lambda: floor_url.update(u=fresh_url()), passes)
    note_peak("h", ms_)
    m_best, m_median, f_best, f_median, pair = paired(ms_, fs)
    out(f"(h) {' '.join(args):15s} {label}: best {ms(m_best)}, median {ms(m_median)}; replay floor (upgrade head "
        f"on an empty database) best {ms(f_best)}, median {ms(f_median)}; ratio {m_best / f_best:.2f}x best, "
        f"{m_median / f_median:.2f}x median, {pair:.2f}x median of pairs; max RSS {max(r.rss for r in ms_):.1f} MB")
    # SQLite's commits wait for the disk, which other processes' writes slow by up to 10x: the
    # CPU time says what the work itself costs.
    mc_best, mc_median = stats(ms_, "cpu")
    fc_best, fc_median = stats(fs, "cpu")
    out(f"    client CPU (user+sys): migrate best {ms(mc_best)}, median {ms(mc_median)}; floor best {ms(fc_best)}, "
        f"median {ms(fc_median)}; ratio {mc_median / fc_median:.2f}x median")


if "h" in only:
    nowhere = "postgresql://bench@127.0.0.1:1/nowhere"  # lint never connects
    h_lin, h_lin_pg = f"{work}/h-linear", f"{work}/h-linear-pg"
    linear_project(h_lin, "sqlite:///app.db", lambda i: f"INSERT INTO t{i} (name) VALUES ('x');")
    linear_project(h_lin_pg, nowhere, lambda i: f"INSERT INTO t{i} (id, name) VALUES (1, 'x');")
    h_alt, h_alt_pg = f"{work}/h-alter", f"{work}/h-alter-pg"
    altering_project(h_alt, "sqlite:///app.db", 1000, False)
    altering_project(h_alt_pg, nowhere, 1000, True)
    lint_figures("1,000 revisions of (b)/(d) (CREATE TABLE + INSERT), SQLite", h_lin, "sqlite:///app.db", 1000)
    lint_figures("1,000 revisions of (b)/(d) (CREATE TABLE + INSERT), PostgreSQL", h_lin_pg, nowhere, 1000)
    lint_figures("1,000 altering revisions (5 statements each), SQLite", h_alt, "sqlite:///app.db", 1000)
    lint_figures("1,000 altering revisions (6 statements each), PostgreSQL", h_alt_pg, nowhere, 1000)

    # The stairway: per revision an upgrade, a downgrade and an upgrade, plus the final
    # downgrade of every revision (4 revision runs where the floor has 1) and 3 schema reads.
    h100, h100_pg = f"{work}/h-alter-100", f"{work}/h-alter-100-pg"
    altering_project(h100, "sqlite:///app.db", 100, False)
    # 100, not 1,000: the stairway reads the schema after each step, so it grows faster than
    # the replay (1,000 on SQLite takes minutes).
    replay_figures("100 altering revisions, SQLite", ["test"], h100, f"sqlite:///{h100}/target.db",
                   fresh_sqlite(f"{h100}/floor-h.db"))
    if pg_url:
        altering_project(h100_pg, "postgresql://unused", 100, True)
        target = fresh_database("bench_h_target")  # only names the server: test and lint --rehearse
        replay_figures("100 altering revisions, PostgreSQL", ["test"], h100_pg, target,
                       lambda: fresh_database("bench_h_floor"))
        replay_figures("100 altering revisions, PostgreSQL", ["lint", "--rehearse"], h100_pg, target,
                       lambda: fresh_database("bench_h_floor"), ok=(0, 1))
        admin("DROP DATABASE IF EXISTS bench_h_target")
        admin("DROP DATABASE IF EXISTS bench_h_floor")

# --- (i)-(m): the performance table's rows, scripts/bench/rows.py ----------------------------
rows.run()

# --- (n): fleets, scripts/bench/fleet.py ----------------------------------------------------
fleet.run()

# --- (c) ------------------------------------------------------------------------------------
if "c" in only:
    if peaks:
        detail = ", ".join(f"({p}) {mb:.1f} MB" for p, mb in sorted(peaks.items()))
        out(f"(c) peak memory (max RSS of any migrate run above): {max(peaks.values()):.1f} MB [{detail}]"
            f"  (target < 50 MB)")
    else:
        out("(c) peak memory: no migrate runs selected (add another part to --only)")

print_summary()
