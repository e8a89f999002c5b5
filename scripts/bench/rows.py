"""Parts (i)-(m) of scripts/bench.sh: the rows of the performance table, each against its floor
in the same run, on the project the table is measured on: N revisions in a line, each creating a
table and an index on it (its downgrade drops the table).

  (i) upgrade from empty and downgrade to base, 1,000 revisions, SQLite and PostgreSQL on tmpfs
      (the SQLite file in /dev/shm, the cluster's data in /dev/shm): the tools' own costs;
  (j) the same on disk (the SQLite file in /var/tmp, a second cluster with its data in /var/tmp),
      where every per-revision commit waits for fsync;
  (k) the commands that run on every deploy at head: no-op `upgrade head`, `current`, `status`,
      `check --offline`, 1,000 and 10,000 revisions, SQLite and PostgreSQL on tmpfs, next to the
      one-query floor (sqlite3 / psql reading the version table: a process start, a connection
      and one query);
  (l) `heads` and `history` over 10,000 and 100,000 revision files (the branchy graph of (a)),
      next to reading every file (`find -exec cat`);
  (m) peak memory (max RSS) of every command at 10,000 revisions, SQLite and PostgreSQL.

Both clusters run with PostgreSQL's durable defaults (fsync, synchronous_commit and
full_page_writes on: scripts/bench.sh sets them). Floors: sqlite3 / psql running migrate's own
offline script (`upgrade head --sql`, `downgrade --sql head:base`): the same SQL, per-revision
transactions and version-table writes, in one process. Databases a timed run starts from are
prepared untimed: SQLite files are copied from a template made once, PostgreSQL databases are
created from a template database. With DBMATE set, dbmate runs the same rows on the same SQL
(scripts/bench/dbmate.py)."""
import shutil
import time

import dbmate as dbm
from common import *  # noqa: F401,F403

N = 1000
SCALE = 10000
ONE_QUERY = "SELECT version_num FROM migrate_version"


class Sqlite:
    postgres = False
    name = "SQLite"
    floor_name = "sqlite3"

    def __init__(self, medium, folder):
        self.medium, self.folder, self.key = medium, folder, f"sqlite-{medium}"
        self.label = f"SQLite, {medium}"
        os.makedirs(folder, exist_ok=True)

    @staticmethod
    def path(url):
        return url[len("sqlite:///"):]

    def fresh(self, tag, folder=None):
        path = f"{folder or self.folder}/{tag}.db"
        for p in (path, path + "-journal", path + "-wal", path + "-shm"):
            remove(p)
        return f"sqlite:///{path}"

    def template(self, tag):
        """Templates live on tmpfs (quick to make), their copies where the backend's files are."""
        return self.fresh(f"template-{self.key}-{tag}", shm_work)

    def clone(self, template_url, tag):
        url = self.fresh(tag)
        shutil.copyfile(self.path(template_url), self.path(url))
        return url

    def run_script(self, url, script, cwd):
        return measure(["sqlite3", self.path(url)], cwd, stdin_path=script)

    def untimed_script(self, url, script, cwd):
        with open(script, "rb") as f:
            run_checked(["sqlite3", self.path(url)], cwd=cwd, stdin=f)

    def query(self, url):
        return ["sqlite3", self.path(url), ONE_QUERY]

    def prep_env(self):
        return None

    def dbmate_url(self, url):
        return dbm.sqlite_url(self.path(url))

    def offline_url(self):
        return "sqlite:///offline.db"


class Postgres:
    postgres = True
    name = "PostgreSQL"
    floor_name = "psql"

    def __init__(self, medium, cluster):
        self.medium, self.cluster, self.key = medium, cluster, f"pg-{medium}"
        self.label = f"PostgreSQL, {medium}"

    @staticmethod
    def db_name(url):
        return urlsplit(url).path.lstrip("/")

    def fresh(self, tag):
        return self.cluster.fresh_database(f"bench_{tag}")

    def template(self, tag):
        return self.fresh(f"template_{tag}")

    def clone(self, template_url, tag):
        name = f"bench_{tag}"
        self.cluster.drop(name)
        self.cluster.admin(f"CREATE DATABASE {name} TEMPLATE {self.db_name(template_url)}")
        return self.cluster.db_url(name)

    def run_script(self, url, script, cwd):
        return measure([psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-f", script], cwd)

    def untimed_script(self, url, script, cwd):
        run_checked([psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-f", script], cwd=cwd,
                    env=self.prep_env())

    def query(self, url):
        return [psql, "-X", "-q", "-A", "-t", "-d", url, "-c", ONE_QUERY]

    def prep_env(self):
        # Untimed preparation need not wait for the disk at every commit.
        return dict(os.environ, PGOPTIONS="-c synchronous_commit=off")

    def dbmate_url(self, url):
        return dbm.postgres_url(url)

    def offline_url(self):
        return self.cluster.db_url("offline")


# --- projects, offline scripts, databases at head (each made once per run) --------------------
_projects, _scripts, _heads = {}, {}, {}


def indexed_project(n, postgres):
    """`n` revisions in a line, each creating a table and an index on it."""
    key = (n, postgres)
    if key not in _projects:
        path = f"{shm_work}/indexed-{n}-{'pg' if postgres else 'sqlite'}"
        revs, prev = [], None
        for i in range(n):
            rev = f"x{i:06d}"
            up, down = dbm.table_sql(i, postgres)
            revs.append((rev, [prev] if prev else [], up, down))
            prev = rev
        write_project(path, revs, "postgresql://unused" if postgres else "sqlite:///unused.db")
        _projects[key] = path
        _written_at[path] = time.time()
    return _projects[key]


_written_at = {}  # project folder -> when its files were written


def warm_header_cache(project, url):
    """The header cache records no file changed less than 2 s before a run, so a project measured
    right after it was written would run cold every time; a deployed project's files are older.
    Waits out those 2 s, then runs once untimed, which writes the cache."""
    wait = _written_at.get(project, 0) + 2.5 - time.time()
    if wait > 0:
        time.sleep(wait)
    run_checked([migrate, "--url", url, "current"], cwd=project)


def offline_script(b, n, direction):
    """migrate's offline script for the backend's dialect: `upgrade head --sql` or
    `downgrade --sql head:base`."""
    key = (b.postgres, n, direction)
    if key not in _scripts:
        project = indexed_project(n, b.postgres)
        args = ["upgrade", "head", "--sql"] if direction == "up" else ["downgrade", "--sql", "head:base"]
        path = f"{project}/floor-{direction}.sql"
        with open(path, "w") as f:
            f.write(run_checked([migrate, "--url", b.offline_url()] + args, cwd=project))
        _scripts[key] = path
    return _scripts[key]


def migrate_head(b, n):
    """A database brought to head by migrate (untimed as a figure, but the run is kept: (m)
    reports its peak memory), and that run."""
    key = (b.key, "migrate", n)
    if key not in _heads:
        project = indexed_project(n, b.postgres)
        url = b.template(f"m{n}")
        run = measure_rss([migrate, "-q", "--url", url, "upgrade", "head"], project, env=b.prep_env())
        _heads[key] = (url, run)
    return _heads[key]


def floor_head(b, n):
    """A database brought to head by the floor (the offline upgrade script)."""
    key = (b.key, "floor", n)
    if key not in _heads:
        url = b.template(f"f{n}")
        b.untimed_script(url, offline_script(b, n, "up"), shm_work)
        _heads[key] = (url, None)
    return _heads[key]


def dbmate_project(n, postgres):
    """The project of `indexed_project(n, postgres)` in dbmate's layout (written once)."""
    folder = f"{shm_work}/dbmate-{n}-{'pg' if postgres else 'sqlite'}"
    if not os.path.isdir(folder):
        dbm.write_project(folder, n, postgres)
    return folder


def dbmate_cmd(b, url, n, *args):
    return dbm.command(dbmate, b.dbmate_url(url), dbmate_project(n, b.postgres), *args)


def dbmate_head(b, n):
    key = (b.key, "dbmate", n)
    if key not in _heads:
        url = b.template(f"d{n}")
        run = measure_rss(dbmate_cmd(b, url, n, "up"), shm_work, env=b.prep_env())
        _heads[key] = (url, run)
    return _heads[key]


def ms1(seconds):
    return f"{seconds * 1000:.1f} ms"


def measure_sequence(cmds, cwd):
    """Several processes one after the other as one run: wall and CPU summed, the largest RSS."""
    results = [measure(c, cwd) for c in cmds]
    return Run(sum(r.wall for r in results), sum(r.cpu for r in results), max(r.rss for r in results))


# --- (i), (j): upgrade from empty, downgrade to base ------------------------------------------
def ratio_line(part, label, b, ms_, fs, target, tool="migrate"):
    pair = paired_ratio(ms_, fs)
    out(f"({part}) {label}, {b.label}: {tool} best {fmt_time(stats(ms_)[0])}, median {fmt_time(medians(ms_))}; "
        f"{b.floor_name} floor best {fmt_time(stats(fs)[0])}, median {fmt_time(medians(fs))}; "
        f"{pair:.2f}x median of pairs, {stats(ms_)[0] / stats(fs)[0]:.2f}x best  (target <= {target:.2f}x)")
    out(f"    client CPU (user+sys) median: {tool} {fmt_time(medians(ms_, 'cpu'))}, "
        f"{b.floor_name} {fmt_time(medians(fs, 'cpu'))}")
    return pair


def upgrade_row(part, b, target):
    project, script = indexed_project(N, b.postgres), offline_script(b, N, "up")
    urls = {}

    def prep():
        urls["m"], urls["f"] = b.fresh("up_m"), b.fresh("up_f")

    ms_, fs = alternate(lambda: measure([migrate, "-q", "--url", urls["m"], "upgrade", "head"], project),
                        lambda: b.run_script(urls["f"], script, project), prep)
    pair = ratio_line(part, f"upgrade from empty, {N:,} revisions", b, ms_, fs, target)
    dbmate_figure = ""
    if dbmate:
        ds, dfs = alternate(lambda: measure(dbmate_cmd(b, urls["m"], N, "up"), shm_work),
                            lambda: b.run_script(urls["f"], script, project), prep)
        d_pair = ratio_line(part, f"dbmate up from empty, {N:,} revisions", b, ds, dfs, target, "dbmate")
        dbmate_figure = f"{fmt_time(medians(ds))} ({d_pair:.2f}x)"
    add_summary(f"{b.label}: upgrade from empty, {N:,} revisions", fmt_time(medians(fs)), fmt_time(medians(ms_)),
                f"{pair:.2f}x", f"<= {target:.2f}x", pair <= target, dbmate_figure)


def downgrade_row(part, b, target):
    project, script = indexed_project(N, b.postgres), offline_script(b, N, "down")
    m_template, f_template = migrate_head(b, N)[0], floor_head(b, N)[0]
    urls = {}

    def prep():
        urls["m"], urls["f"] = b.clone(m_template, "down_m"), b.clone(f_template, "down_f")

    ms_, fs = alternate(lambda: measure([migrate, "-q", "--url", urls["m"], "downgrade", "base"], project),
                        lambda: b.run_script(urls["f"], script, project), prep)
    pair = ratio_line(part, f"downgrade to base from head, {N:,} revisions", b, ms_, fs, target)
    dbmate_figure = ""
    if dbmate:
        d_template = dbmate_head(b, N)[0]

        def d_prep():
            urls["d"], urls["f"] = b.clone(d_template, "down_d"), b.clone(f_template, "down_f")

        # dbmate goes down one revision per process.
        ds, dfs = alternate(lambda: measure_sequence([dbmate_cmd(b, urls["d"], N, "rollback")] * N, shm_work),
                            lambda: b.run_script(urls["f"], script, project), d_prep)
        d_pair = ratio_line(part, f"dbmate rollback x {N:,} (one process each)", b, ds, dfs, target, "dbmate")
        dbmate_figure = f"{fmt_time(medians(ds))} ({d_pair:.2f}x)"
    add_summary(f"{b.label}: downgrade to base, {N:,} revisions", fmt_time(medians(fs)), fmt_time(medians(ms_)),
                f"{pair:.2f}x", f"<= {target:.2f}x", pair <= target, dbmate_figure)


# --- (k): at head -----------------------------------------------------------------------------
READ_COMMANDS = [  # (label, migrate's arguments, dbmate's or None)
    ("no-op upgrade head", ["-q", "upgrade", "head"], ["up"]),
    ("current", ["current"], ["status"]),
    ("status", ["status"], ["status"]),
    ("check --offline", ["check", "--offline"], None),
]


def read_rows(b, n):
    project = indexed_project(n, b.postgres)
    url = migrate_head(b, n)[0]
    target = 0.040 if n >= SCALE else (0.015 if b.postgres else 0.012)
    warm_header_cache(project, url)
    for label, args, dbmate_args in READ_COMMANDS:
        ms_, fs = alternate(lambda: measure([migrate, "--url", url] + args, project),
                            lambda: measure(b.query(url), project))
        m_median, f_median = medians(ms_), medians(fs)
        over = statistics.median(m.wall - f.wall for m, f in zip(ms_, fs))
        line = (f"(k) {label:18s} {n:>6,} revisions, {b.label}: migrate best {ms1(stats(ms_)[0])}, median "
                f"{ms1(m_median)}; floor ({b.floor_name} reading the version table) best {ms1(stats(fs)[0])}, "
                f"median {ms1(f_median)}; migrate - floor {ms1(over)} median of pairs  (target < {ms(target)}")
        met = m_median < target
        dbmate_figure = ""
        if dbmate and dbmate_args:
            d_url = dbmate_head(b, n)[0]
            ds = [measure(dbmate_cmd(b, d_url, n, *dbmate_args), shm_work) for _ in range(runs)]
            dbmate_figure = ms1(medians(ds))
            line += f", faster than dbmate: dbmate {' '.join(dbmate_args)} median {dbmate_figure}"
            met = met and m_median < medians(ds)
        out(line + ")")
        add_summary(f"{b.label}: {label} at head, {n:,} files", ms1(f_median), ms1(m_median), f"{m_median / f_median:.2f}x",
                    f"< {ms(target)}" + (", < dbmate" if dbmate and dbmate_args else ""), met, dbmate_figure)


# --- (l): heads and history at scale ----------------------------------------------------------
def branchy_project(n):
    path = f"{shm_work}/branchy-{n}"
    if not os.path.isdir(path):
        t = time.perf_counter()
        write_project(path, branchy_graph(n), "sqlite:///unused.db")
        out(f"(l) wrote {n:,} revision files in {time.perf_counter() - t:.1f} s (untimed)")
    return path


def scale_rows():
    for n, target in ((SCALE, 0.1), (10 * SCALE, 1.0)):
        project = branchy_project(n)
        # A reference, not a floor: what opening and reading every file costs from a shell tool.
        read_all = ["find", "migrations/versions", "-name", "*.sql", "-exec", "cat", "{}", "+"]
        for name in ("heads", "history"):
            ms_, fs = alternate(lambda: measure([migrate, name], project), lambda: measure(read_all, project))
            peak = measure_rss([migrate, name], project).rss
            note_peak("l", [Run(0, 0, peak)])
            m_median, f_median = medians(ms_), medians(fs)
            out(f"(l) {name:7s} {n:>7,} revision files: best {fmt_time(stats(ms_)[0])}, median {fmt_time(m_median)}, "
                f"max RSS {peak:.1f} MiB; reading every file (find -exec cat) median "
                f"{fmt_time(f_median)}  (target < {fmt_time(target)})")
            add_summary(f"{name} over {n:,} files", fmt_time(f_median) + " (cat)", fmt_time(m_median),
                        f"{m_median / f_median:.2f}x", f"< {fmt_time(target)}", m_median < target)


# --- (m): peak memory at 10,000 revisions -----------------------------------------------------
MEMORY_TARGET = 15.0  # MiB


def memory_column(b):
    """({command: peak RSS in MiB} of migrate, the same of the floors and dbmate) at SCALE
    revisions for one backend."""
    n, project = SCALE, indexed_project(SCALE, b.postgres)
    url, upgrade_run = migrate_head(b, n)
    column = {"upgrade head (from empty)": upgrade_run.rss}
    for label, args, _ in READ_COMMANDS:
        column[label] = max(measure_rss([migrate, "--url", url] + args, project).rss for _ in range(min(runs, 2)))
    for name in ("heads", "history"):
        column[name] = measure_rss([migrate, "--url", url, name], project).rss
    column["downgrade base (from head)"] = measure_rss(
        [migrate, "-q", "--url", b.clone(url, "mem_down"), "downgrade", "base"], project).rss
    scripted = b.fresh("mem_floor")
    up_cmd = (["sqlite3", Sqlite.path(scripted)] if not b.postgres else
              [psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", scripted, "-f", offline_script(b, n, "up")])
    others = {"floor: the upgrade script (sqlite3 / psql)": measure_rss(
        up_cmd, project, stdin_path=None if b.postgres else offline_script(b, n, "up")).rss,
        "floor: one query (sqlite3 / psql)": measure_rss(b.query(url), project).rss}
    if dbmate:
        d_url, d_run = dbmate_head(b, n)
        others["dbmate up (from empty)"] = d_run.rss
        others["dbmate status"] = measure_rss(dbmate_cmd(b, d_url, n, "status"), shm_work).rss
        others["dbmate rollback (one)"] = measure_rss(dbmate_cmd(b, d_url, n, "rollback"), shm_work).rss
    return column, others


def memory_rows(backends):
    columns = [(b, *memory_column(b)) for b in backends]
    out(f"(m) peak memory (max RSS, MiB) at {SCALE:,} revisions (target < {MEMORY_TARGET:.0f} MiB for migrate):")
    names = list(columns[0][1]) + [k for k in columns[0][2]]
    header = f"    {'command':44s}" + "".join(f"{b.name:>12s}" for b, _, _ in columns)
    out(header)
    for name in names:
        cells = "".join(f"{c.get(name, f.get(name)):12.1f}" for _, c, f in columns)
        out(f"    {('migrate ' + name) if name in columns[0][1] else name:44s}{cells}")
    for b, column, others in columns:
        note_peak("m", [Run(0, 0, v) for v in column.values()])
        worst = max(column, key=column.get)
        floor = max(v for k, v in others.items() if k.startswith("floor"))
        add_summary(f"{b.name}: peak memory, any command at {SCALE:,} revisions", f"{floor:.1f} MiB",
                    f"{column[worst]:.1f} MiB ({worst})", f"{column[worst] / floor:.2f}x",
                    f"< {MEMORY_TARGET:.0f} MiB", column[worst] < MEMORY_TARGET,
                    f"{max(v for k, v in others.items() if k.startswith('dbmate')):.1f} MiB" if dbmate else "")


# --- entry point ------------------------------------------------------------------------------
def run():
    parts = only & {"i", "j", "k", "l", "m"}
    if not parts:
        return
    if parts & {"i", "k", "m"} and not pg_url:
        sys.exit("bench: no PostgreSQL server on tmpfs (PG_URL is empty)")
    if "j" in parts and not pg_disk_url:
        sys.exit("bench: no PostgreSQL server on disk (PG_DISK_URL is empty)")
    lite_tmpfs = Sqlite("tmpfs", f"{shm_work}/db")
    pg_tmpfs = Postgres("tmpfs", Cluster(pg_url)) if pg_url else None
    lite_disk = Sqlite("disk", f"{disk_work}/db")
    pg_disk = Postgres("disk", Cluster(pg_disk_url)) if pg_disk_url else None
    steps = {
        "i": lambda: (upgrade_row("i", lite_tmpfs, 1.20), upgrade_row("i", pg_tmpfs, 1.10),
                      downgrade_row("i", lite_tmpfs, 1.20), downgrade_row("i", pg_tmpfs, 1.10)),
        "j": lambda: (upgrade_row("j", lite_disk, 1.05), upgrade_row("j", pg_disk, 1.05),
                      downgrade_row("j", lite_disk, 1.05), downgrade_row("j", pg_disk, 1.05)),
        "k": lambda: [read_rows(b, n) for n in (N, SCALE) for b in (lite_tmpfs, pg_tmpfs)],
        "l": scale_rows,
        "m": lambda: memory_rows([lite_tmpfs, pg_tmpfs]),
    }
    for part in sorted(parts):
        start = time.perf_counter()
        steps[part]()
        out(f"({part}) took {time.perf_counter() - start:.0f} s")
