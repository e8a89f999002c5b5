"""dbmate's side of the issue's rows (only when scripts/bench.sh is given DBMATE=/path/to/dbmate;
the bench never downloads it): the same project in dbmate's layout, its commands, its URLs.

dbmate's project is one folder of `NNNNN_name.sql` files (the number is the version, applied in
order), each with a `-- migrate:up` and a `-- migrate:down` section; each runs in a transaction
of its own and a row in `schema_migrations` records it. It has no offline mode and no `current`
(`status` reads the same table), and it goes down one revision per process (`rollback`).

    python3 scripts/bench/dbmate.py --self-check
writes a small project with the generator, parses it as dbmate does and applies every up
section in order, then every down section newest first, on an in-memory SQLite database."""
import os
import re
import sys
from urllib.parse import urlsplit, urlunsplit

FILE_NAME = re.compile(r"^(\d+)_.+\.sql$")  # dbmate's migration file names: a number, `_`, a name


def table_sql(i, postgres):
    """Revision i's upgrade and downgrade: a table and an index on it (the bench's project)."""
    cols = "id bigint PRIMARY KEY, name text NOT NULL" if postgres else "id INTEGER PRIMARY KEY, name TEXT NOT NULL"
    return (f"CREATE TABLE t{i} ({cols});\nCREATE INDEX t{i}_name_idx ON t{i} (name);", f"DROP TABLE t{i};")


def write_project(folder, n, postgres):
    """`n` revisions in dbmate's layout, the same SQL as the migrate project of the same rows."""
    os.makedirs(folder, exist_ok=True)
    for i in range(n):
        up, down = table_sql(i, postgres)
        with open(os.path.join(folder, f"{i + 1:06d}_t{i}.sql"), "w") as f:
            f.write(f"-- migrate:up\n{up}\n\n-- migrate:down\n{down}\n")
    return folder


def command(binary, url, folder, *args):
    return [binary, "--url", url, "--migrations-dir", folder, "--no-dump-schema", *args]


def sqlite_url(path):
    return f"sqlite:{path}"


def postgres_url(url):
    """migrate's URL of a database on the bench's server as dbmate wants it: no TLS (the
    throwaway server has none)."""
    parts = urlsplit(url)
    query = "&".join(q for q in [parts.query, "sslmode=disable"] if q)
    return urlunsplit(("postgres", parts.netloc, parts.path, query, parts.fragment))


def parse(path):
    """A migration file as dbmate reads it: (version, up SQL, down SQL). Raises ValueError on a
    file dbmate would refuse or misread."""
    m = FILE_NAME.match(os.path.basename(path))
    if not m:
        raise ValueError(f"{path}: not a dbmate migration name (NUMBER_name.sql)")
    text = open(path).read()
    up_at = [i for i, line in enumerate(text.splitlines()) if line.startswith("-- migrate:up")]
    down_at = [i for i, line in enumerate(text.splitlines()) if line.startswith("-- migrate:down")]
    if len(up_at) != 1 or len(down_at) != 1 or up_at[0] > down_at[0]:
        raise ValueError(f"{path}: wants one `-- migrate:up` section followed by one `-- migrate:down`")
    lines = text.splitlines()
    up = "\n".join(lines[up_at[0] + 1:down_at[0]]).strip()
    down = "\n".join(lines[down_at[0] + 1:]).strip()
    if not up or not down:
        raise ValueError(f"{path}: an empty section")
    return int(m.group(1)), up, down


def self_check():
    import sqlite3
    import tempfile
    n = 12
    with tempfile.TemporaryDirectory() as folder:
        write_project(folder, n, postgres=False)
        files = sorted(os.listdir(folder))
        parsed = [parse(os.path.join(folder, f)) for f in files]
        versions = [v for v, _, _ in parsed]
        assert versions == list(range(1, n + 1)), versions  # file order is version order
        db = sqlite3.connect(":memory:")
        for _, up, _ in parsed:
            db.executescript(f"BEGIN;\n{up}\nCOMMIT;")
        objects = db.execute("SELECT type, count(*) FROM sqlite_master GROUP BY type ORDER BY type").fetchall()
        assert objects == [("index", n), ("table", n)], objects
        for _, _, down in reversed(parsed):
            db.executescript(f"BEGIN;\n{down}\nCOMMIT;")
        left = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        assert left == 0, left
        write_project(folder + "/pg", 3, postgres=True)
        for f in sorted(os.listdir(folder + "/pg")):
            _, up, down = parse(os.path.join(folder, "pg", f))
            assert "bigint" in up and down.startswith("DROP TABLE"), (up, down)
    url = postgres_url("postgresql://postgres@127.0.0.1:5432/bench")
    assert url == "postgres://postgres@127.0.0.1:5432/bench?sslmode=disable", url
    print(f"dbmate project generator: {n} files parse, apply up in order and down in reverse to an empty schema")


if __name__ == "__main__":
    if sys.argv[1:] != ["--self-check"]:
        sys.exit("usage: python3 scripts/bench/dbmate.py --self-check")
    self_check()
