"""Part (n) of scripts/bench.sh: fleets (docs/fleets.md), schema-per-tenant on the PostgreSQL
cluster on tmpfs.

One database, `fleetbench`, holds 1,000 tenant schemas t0001..t1000, listed in public.tenants;
the project has 10 revisions in a line, each creating a table and an index on it (its downgrade
drops the table), and a `[targets.tenants]` section whose schemas_query reads public.tenants.
`migrate -q upgrade head --targets tenants --concurrency 4`:

  applying: on freshly emptied schemas, against 4 psql processes started at once, each running
      250 tenants' share of migrate's own offline script (for each tenant `SET search_path TO
      tXXXX;` and `upgrade head --sql` with the version table in that schema): the same SQL,
      per-revision transactions and version-table writes, 4 sessions at a time. The figure is
      the speed as a share of the floor's, floor time / migrate time (target >= 80%). A second
      floor sends migrate's own queries instead: those it sent to apply one fresh tenant on a
      throwaway database, traced from the server's log (log_statement = all), replayed by the 4
      psql processes for each of their tenants with its schema name;
  no-op: every tenant at head (target >= 1,000 targets/s), next to one psql reading one tenant's
      version table (a process start, a connection and one query).

Peak memory (max RSS) of both comes from runs of their own through the maxrss helper (its fork
and exec would otherwise be in the timed runs)."""
import shutil
import tempfile
import time

from common import *  # noqa: F401,F403
from rows import ms1

TENANTS = 1000
REVISIONS = 10
CONCURRENCY = 4
SPEED_TARGET = 80.0     # % of the floor's speed
NOOP_TARGET = 1000.0    # targets per second
DATABASE = "fleetbench"
PLACEHOLDER = "tenant_schema_placeholder"  # the offline script's version-table schema, replaced per tenant
SCHEMAS = [f"t{i:04d}" for i in range(1, TENANTS + 1)]
TALLY = re.compile(r"target\(s\) in (?P<seconds>[\d.]+) s: (?P<applied>\d+) applied, (?P<up_to_date>\d+) up to date, "
                   r"(?P<failed>\d+) failed, (?P<not_started>\d+) not started")


def fleet_project(path, url):
    """REVISIONS revisions in a line, each creating a table and an index on it, and the tenants'
    section (write_project writes the rest of migrate.toml)."""
    revs, prev = [], None
    for k in range(1, REVISIONS + 1):
        rev = f"n{k:03d}"
        revs.append((rev, [prev] if prev else [],
                     f"CREATE TABLE items{k} (id int PRIMARY KEY, name text NOT NULL);\n"
                     f"CREATE INDEX items{k}_name ON items{k} (name);",
                     f"DROP TABLE items{k};"))
        prev = rev
    write_project(path, revs, url)
    with open(f"{path}/migrate.toml", "a") as f:
        f.write('[targets.tenants]\nschemas_query = "SELECT schema_name FROM public.tenants ORDER BY 1"\n')


def offline_script(project, url):
    """migrate's `upgrade head --sql` for one tenant, the version table in PLACEHOLDER's schema:
    made in a copy of the project whose migrate.toml sets version_table_schema (top-level keys
    come before the [database] table)."""
    copy = f"{project}-offline"
    shutil.copytree(project, copy)
    with open(f"{copy}/migrate.toml", "w") as f:
        f.write(f'script_location = "migrations"\nversion_table_schema = "{PLACEHOLDER}"\n[database]\nurl = "{url}"\n')
    script = run_checked([migrate, "upgrade", "head", "--sql"], cwd=copy)
    if PLACEHOLDER not in script:
        # The floor would write every tenant's version rows into one table: not the same work.
        sys.exit(f"bench: `upgrade head --sql` with version_table_schema = \"{PLACEHOLDER}\" does not name it:\n"
                 f"{script[:2000]}")
    return script


LOG_ENTRY = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \S+ \[(\d+)\] (\w+):  (.*)$")
TRACE_DATABASE = "fleettrace"
TRACE_SCHEMA = SCHEMAS[0]


def server_queries(cluster, database, cmd, cwd):
    """Untimed: `cmd` run once while `database` logs every query (log_statement = all); the
    queries the server received, in order, each whole (a multi-line query continues on the log's
    lines without a prefix) with its session: [(pid, sql)]."""
    if not pg_log or not os.path.exists(pg_log):
        sys.exit("bench: the server's log is not readable (PG_LOG): no trace of migrate's queries")
    cluster.admin(f"ALTER DATABASE {database} SET log_statement = 'all'")
    start = os.path.getsize(pg_log)
    run_checked(cmd, cwd=cwd)
    time.sleep(0.3)  # the log is written by the server processes
    with open(pg_log, "rb") as f:
        f.seek(start)
        text = f.read().decode(errors="replace")
    cluster.admin(f"ALTER DATABASE {database} RESET log_statement")
    entries = []
    for line in text.split("\n"):
        m = LOG_ENTRY.match(line)
        if m:
            entries.append([m.group(1), m.group(2), m.group(3)])
        elif entries:
            entries[-1][2] += "\n" + line
    return [(pid, msg[len("statement: "):]) for pid, level, msg in entries
            if level == "LOG" and msg.startswith("statement: ")]


def statements_of(sql):
    """The statements of one query, split at the semicolons outside literals ('...' with ''
    and, after E, backslash escapes), quoted names, dollar quotes and comments."""
    parts, start, i, n = [], 0, 0, len(sql)
    while i < n:
        c = sql[i]
        if c == "'":
            escapes = i > 0 and sql[i - 1] in "eE" and (i < 2 or not (sql[i - 2].isalnum() or sql[i - 2] == "_"))
            i += 1
            while i < n and not (sql[i] == "'" and not sql.startswith("''", i)):
                i += 2 if (escapes and sql[i] == "\\") or sql.startswith("''", i) else 1
        elif c == '"':
            i = sql.index('"', i + 1)
        elif sql.startswith("--", i):
            i = sql.find("\n", i) if "\n" in sql[i:] else n
        elif sql.startswith("/*", i):
            i = sql.index("*/", i) + 1
        elif c == "$" and re.match(r"\$[A-Za-z_]*\$", sql[i:]):
            tag = re.match(r"\$[A-Za-z_]*\$", sql[i:]).group(0)
            i = sql.index(tag, i + len(tag)) + len(tag) - 1
        elif c == ";":
            parts.append(sql[start:i])
            start = i + 1
        i += 1
    parts.append(sql[start:])
    return [p.strip() for p in parts if p.strip()]


def traced_script(cluster, project):
    """What migrate sends to apply one fresh tenant, as a psql script: the queries of its worker
    and lock sessions (the session that ran the schemas query left out), on a throwaway database
    of one tenant, in the order the server received them; a query of several statements is sent
    as one, as migrate sends it (psql's `\\;`)."""
    url = cluster.fresh_database(TRACE_DATABASE)
    run_checked([psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-c",
                 f"CREATE TABLE public.tenants (schema_name text); INSERT INTO public.tenants VALUES "
                 f"('{TRACE_SCHEMA}'); CREATE SCHEMA {TRACE_SCHEMA}"])
    queries = server_queries(cluster, TRACE_DATABASE,
                             [migrate, "-q", "--url", url, "upgrade", "head", "--targets", "tenants"], project)
    cluster.drop(TRACE_DATABASE)
    listing = {pid for pid, sql in queries if "public.tenants" in sql}
    # A worker connects once for all its tenants: its connect query is not a tenant's.
    per_tenant = [sql for pid, sql in queries if pid not in listing and "pg_catalog.version()" not in sql]
    script = "".join(" \\;\n".join(statements_of(sql)) + ";\n" for sql in per_tenant)
    if "items10" not in script or TRACE_SCHEMA not in script:
        sys.exit(f"bench: the trace of one tenant's upgrade holds no revision:\n{script[:3000]}")
    return script


def floor_files(folder, script, name="floor", per_tenant=None):
    """CONCURRENCY files of TENANTS / CONCURRENCY tenants each, in the order the fleet takes them:
    for each tenant `per_tenant(schema)`, by default the offline script in the tenant's schema."""
    per_tenant = per_tenant or (lambda schema: f"SET search_path TO {schema};\n" + script.replace(PLACEHOLDER, schema))
    per_file = TENANTS // CONCURRENCY
    paths = []
    for part in range(CONCURRENCY):
        path = f"{folder}/{name}-{part + 1}.sql"
        with open(path, "w") as f:
            for schema in SCHEMAS[part * per_file:(part + 1) * per_file]:
                f.write(per_tenant(schema))
        paths.append(path)
    return paths


def measure_together(cmds, cwd, env=None):
    """The processes of `cmds` started at once, as one run: wall time from the first start to the
    last exit, CPU (user+system) summed, the largest max RSS (wait4, as measure). Their output
    goes to files, not pipes (a process filling a pipe nobody reads yet would stall); a process
    that fails ends the benchmark with its stdout and stderr shown, since a fleet prints each
    failed target's error on stdout. The stdout of all is kept as `out` on the result."""
    files = [(tempfile.TemporaryFile(dir=work), tempfile.TemporaryFile(dir=work)) for _ in cmds]
    try:
        t = time.perf_counter()
        procs = [subprocess.Popen(c, cwd=cwd, stdin=subprocess.DEVNULL, stdout=o, stderr=e, env=env)
                 for c, (o, e) in zip(cmds, files)]
        cpu, rss = 0.0, 0.0
        for p in procs:
            _, status, usage = os.wait4(p.pid, 0)
            p.returncode = os.waitstatus_to_exitcode(status)  # so Popen does not wait again
            cpu += usage.ru_utime + usage.ru_stime
            rss = max(rss, usage.ru_maxrss / 1024.0)
        wall = time.perf_counter() - t
        texts = []
        for o, e in files:
            o.seek(0)
            e.seek(0)
            texts.append((o.read().decode(errors="replace"), e.read().decode(errors="replace")))
    finally:
        for o, e in files:
            o.close()
            e.close()
    for c, p, (o, e) in zip(cmds, procs, texts):
        if p.returncode != 0:
            sys.exit(f"bench: {' '.join(c)} (in {cwd}) exited {p.returncode}:\n{o}{e}")
    r = Run(wall, cpu, rss, "".join(e for _, e in texts))
    r.out = "".join(o for o, _ in texts)
    return r


def tally(run, cmd):
    """The fleet's summary line: its own seconds, and how many targets ended each way."""
    m = TALLY.search(run.out)
    if not m:
        sys.exit(f"bench: {' '.join(cmd)} printed no fleet summary line:\n{run.out}{run.err}")
    return {k: float(v) if k == "seconds" else int(v) for k, v in m.groupdict().items()}


def expect(run, cmd, status):
    """Ends the benchmark unless every tenant ended `status` ("applied", "up_to_date"): a run
    that did other work than it was meant to measure (tenants skipped, or already at head)
    measures nothing."""
    if tally(run, cmd)[status] != TENANTS:
        sys.exit(f"bench: {' '.join(cmd)}: expected {TENANTS} targets {status.replace('_', ' ')}:\n"
                 f"{run.out}{run.err}")


def peak(cmd, cwd):
    """One run of `cmd` through the maxrss helper (see measure_rss): its peak RSS in MiB, and the run."""
    if not maxrss:
        sys.exit("bench: no maxrss helper (MAXRSS is empty; run through scripts/bench.sh)")
    r = measure_together([[maxrss] + cmd], cwd)
    m = re.search(r"maxrss-kib: (\d+)\s*$", r.err)
    if not m:
        sys.exit(f"bench: the maxrss helper printed no figure for {' '.join(cmd)}:\n{r.err}")
    return int(m.group(1)) / 1024.0, r


def run():
    if "n" not in only:
        return
    if not pg_url:
        sys.exit("bench: no PostgreSQL server on tmpfs (PG_URL is empty)")
    start = time.perf_counter()
    cluster = Cluster(pg_url)
    folder = f"{work}/fleet"
    os.makedirs(folder, exist_ok=True)
    url = cluster.fresh_database(DATABASE)
    # Untimed preparation need not wait for the server's commits (rows.Postgres.prep_env).
    prep_env = dict(os.environ, PGOPTIONS="-c synchronous_commit=off")
    with open(f"{folder}/setup.sql", "w") as f:
        f.write("CREATE TABLE public.tenants (schema_name text);\n")
        f.write("INSERT INTO public.tenants (schema_name) VALUES " +
                ", ".join(f"('{s}')" for s in SCHEMAS) + ";\n")
        f.writelines(f"CREATE SCHEMA {s};\n" for s in SCHEMAS)
    # From a file, not -c: psql runs a -c string of several statements as one transaction, and
    # dropping 1,000 schemas' tables in one would overflow the server's lock table.
    with open(f"{folder}/reset.sql", "w") as f:
        f.writelines(f"DROP SCHEMA {s} CASCADE;\nCREATE SCHEMA {s};\n" for s in SCHEMAS)
    run_checked([psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-f", f"{folder}/setup.sql"], env=prep_env)
    project = f"{folder}/project"
    fleet_project(project, url)
    files = floor_files(folder, offline_script(project, url))
    trace = traced_script(cluster, project)
    traced_files = floor_files(folder, trace, "traced",
                               lambda schema: re.sub(rf"\b{TRACE_SCHEMA}\b", schema, trace))

    def reset():
        run_checked([psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-f", f"{folder}/reset.sql"], env=prep_env)
        # Dropping 1,000 schemas leaves dead rows throughout the catalogs: vacuumed and
        # checkpointed here, untimed, so that autovacuum and a checkpoint do not land in
        # whichever timed run comes next (every run, migrate's and the floors', starts so).
        run_checked([psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", "VACUUM", "-c", "CHECKPOINT"])

    fleet_cmd = [migrate, "-q", "upgrade", "head", "--targets", "tenants", "--concurrency", str(CONCURRENCY)]
    floor_cmds = [[psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-f", path] for path in files]

    def apply_migrate():
        reset()
        r = measure_together([fleet_cmd], project)
        expect(r, fleet_cmd, "applied")
        return r

    # Without ON_ERROR_STOP: migrate's own queries include lock calls that answer "not held" to
    # the other psql sessions (one tenant's advisory-lock key for all); every tenant's last
    # table is checked instead.
    traced_cmds = [[psql, "-X", "-q", "-d", url, "-f", path] for path in traced_files]
    traced = []

    def apply_floor():
        # ON_ERROR_STOP: a psql that exits 0 ran its whole file (measure_together checks it).
        reset()
        r = measure_together(floor_cmds, project)
        reset()
        traced.append(measure_together(traced_cmds, project))
        applied = run_checked([psql, "-X", "-q", "-A", "-t", "-d", url, "-c",
                               f"SELECT count(*) FROM public.tenants WHERE to_regclass(schema_name || '.items{REVISIONS}') "
                               f"IS NOT NULL"]).strip()
        if applied != str(TENANTS):
            sys.exit(f"bench: the traced floor applied {applied} tenants of {TENANTS}:\n{traced[-1].err[-3000:]}")
        return r

    ms_, fs = alternate(apply_migrate, apply_floor)
    m_best, m_median, f_best, f_median, _ = paired(ms_, fs)
    speed = statistics.median(f.wall / m.wall * 100 for m, f in zip(ms_, fs))
    t_best, t_median = stats(traced)
    traced_speed = statistics.median(t.wall / m.wall * 100 for m, t in zip(ms_, traced))
    # One more emptied run, through the maxrss helper: its peak memory, and every tenant at head
    # for the no-op (migrate's own journal written, as a deployed fleet has it).
    reset()
    apply_rss, apply_run = peak(fleet_cmd, project)
    expect(apply_run, fleet_cmd, "applied")
    label = (f"upgrade head --targets, {TENANTS:,} tenant schemas x {REVISIONS} revisions, "
             f"--concurrency {CONCURRENCY}, PostgreSQL, tmpfs")
    out(f"(n) {label}: migrate best {fmt_time(m_best)}, median {fmt_time(m_median)}; floor ({CONCURRENCY} psql "
        f"at once, {TENANTS // CONCURRENCY} tenants' offline script each) best {fmt_time(f_best)}, median "
        f"{fmt_time(f_median)}; speed {speed:.0f}% of the floor's median of pairs, {f_best / m_best * 100:.0f}% "
        f"best  (target >= {SPEED_TARGET:.0f}%)")
    out(f"    client CPU (user+sys) median: migrate {fmt_time(medians(ms_, 'cpu'))}, psql ({CONCURRENCY} processes) "
        f"{fmt_time(medians(fs, 'cpu'))}; fleet time (migrate's summary line) median "
        f"{fmt_time(statistics.median(tally(r, fleet_cmd)['seconds'] for r in ms_))}; max RSS {apply_rss:.1f} MiB "
        f"(a run of its own)")
    out(f"    floor of the same queries ({CONCURRENCY} psql at once, each replaying for its {TENANTS // CONCURRENCY} "
        f"tenants the {trace.count(chr(10))} lines of queries migrate sent to apply one tenant, traced from the server's "
        f"log: catalog reads, lock, version table and journal included): best {fmt_time(t_best)}, median "
        f"{fmt_time(t_median)}; speed {traced_speed:.0f}% of its median of pairs, {t_best / m_best * 100:.0f}% best  "
        f"(target >= {SPEED_TARGET:.0f}%)")
    add_summary(f"PostgreSQL, tmpfs: fleet upgrade, {TENANTS:,} schemas x {REVISIONS} revisions, {CONCURRENCY} at once",
                f"{fmt_time(f_median)} ({CONCURRENCY} psql)", fmt_time(m_median), f"{speed:.0f}% of floor",
                f">= {SPEED_TARGET:.0f}% of floor", speed >= SPEED_TARGET)
    add_summary(f"PostgreSQL, tmpfs: the same, against psql sending migrate's own queries",
                f"{fmt_time(t_median)} ({CONCURRENCY} psql)", fmt_time(m_median), f"{traced_speed:.0f}% of floor",
                f">= {SPEED_TARGET:.0f}% of floor", traced_speed >= SPEED_TARGET)

    one_query = [psql, "-X", "-q", "-A", "-t", "-d", url, "-c", f"SELECT version_num FROM {SCHEMAS[0]}.migrate_version"]

    def noop_migrate():
        r = measure_together([fleet_cmd], project)
        expect(r, fleet_cmd, "up_to_date")
        return r

    ns, qs = alternate(noop_migrate, lambda: measure(one_query, project))
    n_best, n_median = stats(ns)
    q_best, q_median = stats(qs)
    noop_rss, noop_run = peak(fleet_cmd, project)
    expect(noop_run, fleet_cmd, "up_to_date")
    query_rss = peak(one_query, project)[0]
    note_peak("n", [Run(0, 0, apply_rss), Run(0, 0, noop_rss)])
    per_second = TENANTS / n_median
    out(f"(n) no-op upgrade head --targets, {TENANTS:,} tenant schemas at head, --concurrency {CONCURRENCY}: "
        f"best {fmt_time(n_best)} ({TENANTS / n_best:,.0f} targets/s), median {fmt_time(n_median)} "
        f"({per_second:,.0f} targets/s)  (target >= {NOOP_TARGET:,.0f} targets/s); fleet time (summary line) "
        f"median {fmt_time(statistics.median(tally(r, fleet_cmd)['seconds'] for r in ns))}; "
        f"max RSS {noop_rss:.1f} MiB; "
        f"one psql reading {SCHEMAS[0]}.migrate_version: best {ms1(q_best)}, median {ms1(q_median)}")
    add_summary(f"PostgreSQL, tmpfs: fleet no-op upgrade, {TENANTS:,} schemas at head",
                f"{ms1(q_median)} (psql, 1 query)",
                fmt_time(n_median), f"{per_second:,.0f} targets/s", f">= {NOOP_TARGET:,.0f} targets/s",
                per_second >= NOOP_TARGET)
    add_summary(f"PostgreSQL, tmpfs: fleet peak memory, upgrade / no-op, {TENANTS:,} schemas",
                f"{query_rss:.1f} MiB (psql)",
                f"{apply_rss:.1f} / {noop_rss:.1f} MiB", f"{max(apply_rss, noop_rss) / query_rss:.2f}x", "none", None)
    cluster.drop(DATABASE)
    out(f"(n) took {time.perf_counter() - start:.0f} s")
