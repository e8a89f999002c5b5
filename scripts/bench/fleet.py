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
      the speed as a share of the floor's, floor time / migrate time (target >= 80%);
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


def floor_files(folder, script):
    """CONCURRENCY files of TENANTS / CONCURRENCY tenants each, in the order the fleet takes them."""
    per_file = TENANTS // CONCURRENCY
    paths = []
    for part in range(CONCURRENCY):
        path = f"{folder}/floor-{part + 1}.sql"
        with open(path, "w") as f:
            for schema in SCHEMAS[part * per_file:(part + 1) * per_file]:
                f.write(f"SET search_path TO {schema};\n")
                f.write(script.replace(PLACEHOLDER, schema))
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

    def reset():
        run_checked([psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-f", f"{folder}/reset.sql"], env=prep_env)

    fleet_cmd = [migrate, "-q", "upgrade", "head", "--targets", "tenants", "--concurrency", str(CONCURRENCY)]
    floor_cmds = [[psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-f", path] for path in files]

    def apply_migrate():
        reset()
        r = measure_together([fleet_cmd], project)
        expect(r, fleet_cmd, "applied")
        return r

    def apply_floor():
        # ON_ERROR_STOP: a psql that exits 0 ran its whole file (measure_together checks it).
        reset()
        return measure_together(floor_cmds, project)

    ms_, fs = alternate(apply_migrate, apply_floor)
    m_best, m_median, f_best, f_median, _ = paired(ms_, fs)
    speed = statistics.median(f.wall / m.wall * 100 for m, f in zip(ms_, fs))
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
    add_summary(f"PostgreSQL, tmpfs: fleet upgrade, {TENANTS:,} schemas x {REVISIONS} revisions, {CONCURRENCY} at once",
                f"{fmt_time(f_median)} ({CONCURRENCY} psql)", fmt_time(m_median), f"{speed:.0f}% of floor",
                f">= {SPEED_TARGET:.0f}% of floor", speed >= SPEED_TARGET)

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
