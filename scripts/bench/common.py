"""What every part of the benchmark shares: the environment scripts/bench.sh passes, one timed
run of a process (wall time, CPU and max RSS through wait4), the pairing of a tool's runs with
its floor's, project writers, PostgreSQL databases on the bench's clusters, and the summary
rows printed at the end."""
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
only = set(os.environ.get("ONLY", "a,b,c,d,e,f,g,h").split(","))
pg_url = os.environ.get("PG_URL", "")
pg_log = os.environ.get("PG_LOG", "")  # the server's log, for the statement counts of (d) and (f)
psql = os.path.join(os.environ.get("PG_BINDIR", "/usr/lib/postgresql/15/bin"), "psql")

peaks = {}  # part -> max RSS (MB) of its migrate runs


def out(line):
    print(line, flush=True)


class Run:
    def __init__(self, wall, cpu, rss, err=""):
        self.wall, self.cpu, self.rss, self.err = wall, cpu, rss, err


def measure(cmd, cwd, stdin_path=None, ok=(0,), env=None):
    """One run of `cmd`: wall time (s), the child's user+system CPU (s) and its own max RSS (MB)
    (wait4, so one child's peak never leaks into another's figure). An exit status outside `ok`
    ends the benchmark."""
    stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
    try:
        t = time.perf_counter()
        p = subprocess.Popen(cmd, cwd=cwd, stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        err = p.stderr.read()
        p.stderr.close()
        _, status, usage = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t
        p.returncode = os.waitstatus_to_exitcode(status)  # so Popen does not wait again
    finally:
        if stdin_path:
            stdin.close()
    if p.returncode not in ok:
        sys.exit(f"bench: {' '.join(cmd)} (in {cwd}) exited {p.returncode}:\n{err.decode(errors='replace')}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0, err.decode(errors="replace"))


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


def alternate(run_migrate, run_floor, prepare=None, passes=None):
    """`runs` (or `passes`) passes of one migrate run and one floor run, migrate first on even
    passes and the floor first on odd ones. `prepare()` (untimed) makes fresh databases before
    each pass."""
    ms_, fs = [], []
    for i in range(passes or runs):
        if prepare:
            prepare()
        if i % 2 == 0:
            ms_.append(run_migrate())
            fs.append(run_floor())
        else:
            fs.append(run_floor())
            ms_.append(run_migrate())
    return ms_, fs


def paired(ms_, fs):
    """Best and median wall time of the migrate runs and of the floor runs, and the median of
    the run-by-run ratios."""
    m_best, m_median = stats(ms_)
    f_best, f_median = stats(fs)
    return m_best, m_median, f_best, f_median, statistics.median(m.wall / f.wall for m, f in zip(ms_, fs))


def compare(label, floor_name, target, ms_, fs):
    m_best, m_median, f_best, f_median, pair = paired(ms_, fs)
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




# --- PostgreSQL clusters ---------------------------------------------------------------------
class Cluster:
    """Databases on one throwaway server, named from `url` (a database on it)."""

    def __init__(self, url):
        self.url = url

    def db_url(self, name):
        parts = urlsplit(self.url)
        return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))

    def admin(self, sql):
        run_checked([psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", self.db_url("postgres"), "-c", sql])

    def fresh_database(self, name):
        self.admin(f"DROP DATABASE IF EXISTS {name}")
        self.admin(f"CREATE DATABASE {name}")
        return self.db_url(name)

    def drop(self, name):
        self.admin(f"DROP DATABASE IF EXISTS {name}")

# --- the rows: scratch folders, the second cluster, dbmate, the summary ---------------
shm_work = os.environ.get("SHM_WORK", "")     # a scratch folder on tmpfs (/dev/shm)
disk_work = os.environ.get("DISK_WORK", "")   # a scratch folder on disk (/var/tmp)
pg_disk_url = os.environ.get("PG_DISK_URL", "")  # a database on the cluster whose data is on disk
dbmate = os.environ.get("DBMATE", "")         # dbmate's binary, or empty: no dbmate figures

summary = []  # (operation, floor, migrate, ratio, target, verdict, dbmate), printed at the end


def add_summary(operation, floor, migrate_figure, ratio, target, met, dbmate_figure=""):
    """One line of the closing summary. `met` is True, False or None (no target)."""
    verdict = "—" if met is None else ("met" if met else "NOT met")
    summary.append((operation, floor, migrate_figure, ratio, target, verdict, dbmate_figure))


def print_summary():
    if not summary:
        return
    out("")
    out("summary (medians; ratio = median of the paired migrate/floor runs):")
    header = ("operation", "floor", "migrate", "ratio", "target", "verdict") + (("dbmate",) if dbmate else ())
    rows_ = [r[:6] + ((r[6] or "—",) if dbmate else ()) for r in summary]
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows_)]
    for r in [header] + rows_:
        out("  " + " | ".join(str(x).ljust(w) for x, w in zip(r, widths)).rstrip())


def fmt_time(seconds):
    """Seconds as ms below 1 s, as s (2 decimals) above."""
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def paired_ratio(ms_, fs):
    return statistics.median(m.wall / f.wall for m, f in zip(ms_, fs))


def medians(results, key="wall"):
    return statistics.median(getattr(r, key) for r in results)


maxrss = os.environ.get("MAXRSS", "")  # scripts/bench/maxrss.c, built by scripts/bench.sh


def measure_rss(cmd, cwd, stdin_path=None, ok=(0,), env=None):
    """One run of `cmd` through the maxrss helper: its own peak RSS (MiB), which wait4 here would
    inflate to at least this Python process's size at the fork. The helper's fork and exec add
    about 0.5 ms to the wall time: not for figures of time."""
    if not maxrss:
        sys.exit("bench: no maxrss helper (MAXRSS is empty; run through scripts/bench.sh)")
    r = measure([maxrss] + cmd, cwd, stdin_path, ok, env)
    m = re.search(r"maxrss-kib: (\d+)\s*$", r.err)
    if not m:
        sys.exit(f"bench: the maxrss helper printed no figure for {' '.join(cmd)}:\n{r.err}")
    return Run(r.wall, r.cpu, int(m.group(1)) / 1024.0, r.err[:m.start()])
