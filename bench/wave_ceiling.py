"""The ceiling of one wave: how many registrations a second one wave takes in PostgreSQL.

pgbench runs the application's registration statement (`SELECT * FROM register_in_one_statement(...)`,
prepared, as RegistrationStore sends it) against one open wave, at several connection counts and
with two commit latencies: 0 (the local disk) and 2 ms (`commit_delay = 2000`, `commit_siblings = 0`:
every commit waits before its WAL flush while its locks are held, as a commit on Aurora waits for its
storage quorum). Beside it, in the same run and on the same server:

- control: the same migrations and statement with only the place accounting taken out
  (`claim_wave_place` replaced by a lock-free read of the first shard it would try, and the
  registration's foreign key to its shard dropped);
- as landed: the schema up to V9, where every registration updated the wave's one row.

After every run the wave is counted: accepted rows never above the quota, and the places taken
(each shard's, and the wave's count) equal to the rows holding them. A last run gives a small wave
(10,000 places) to clients that keep coming after it is full: exactly the quota accepted, every
other answer the FULL outcome (409 /wave-full), and the rate of those refusals.

Imported by bench.py (bench/run, or bench/run --only wave_ceiling).
"""
import re
import subprocess
import time
from pathlib import Path

MIGRATIONS = Path(__file__).resolve().parent.parent / "src" / "main" / "resources" / "db" / "migration"
FIRST_SHARDED = 10  # the first migration with the places in shards; "as landed" stops before it


def migration_scripts(before_version=None):
    """The scripts in the order Flyway applies them to an empty database: V<n>__ by version, then the
    repeatable R__ ones by name (left out when stopping before a version: they are the current functions)."""
    versioned = sorted(MIGRATIONS.glob("V*__*.sql"), key=lambda p: int(p.name[1:p.name.index("__")]))
    if before_version is not None:
        return [p for p in versioned if int(p.name[1:p.name.index("__")]) < before_version]
    return versioned + sorted(MIGRATIONS.glob("R__*.sql"))
DATABASES = {"wave": "gelombang_wave", "control": "gelombang_wave_control", "landed": "gelombang_wave_landed"}
BIG_QUOTA = 100_000_000

# The statement the application sends (RegistrationStore.REGISTER), its parameters as the application
# fills them: the wave it validated against, a random id, digests, ~190 bytes of sealed personal data,
# the encrypted replies and, where the schema has them (V15), the limits on volume at their defaults
# with an address and a source of the client's own, which no limit refuses. Each client gets fresh NIKs and family cards, so every call in an
# open wave is accepted. The key carries the wave's code, so each run's replies can be counted.
SCRIPT = """\\set n random(1, 9000000000000000000)
SELECT * FROM register_in_one_statement(
    '{code}-' || md5(:n || 'key'), :n, decode(md5(:n || 'request'), 'hex'), now(),
    '{code}', {id}, '{opens_at}', '{closes_at}', {household_limit}, false,
    gen_random_uuid(), decode(md5(:n || 'nik'), 'hex'), decode(md5(:n || 'kk'), 'hex'), decode(repeat('ab', 190), 'hex'),
    decode(md5(:n || 'token'), 'hex'), decode(md5(:n || 'code'), 'hex'), '/v1/registrations/bench',
    ARRAY[201, 409, 409, 409, 409, 409],
    ARRAY[decode(repeat('cd', 240), 'hex'), decode(repeat('ce', 330), 'hex'), decode(repeat('cf', 250), 'hex'),
          decode('{full_reply}', 'hex'), decode(repeat('d1', 230), 'hex'), decode(repeat('d2', 260), 'hex')]{limits});
"""
FULL_REPLY = "d0" * 230
LIMITS = (",\n    decode(md5(:n || 'email'), 'hex'), 3, decode(md5(:n || 'source'), 'hex'), "
          "date_trunc('minute', now()), 300")

# Only the place accounting out: the claim becomes a read of the shard it would try first.
CONTROL = """
CREATE OR REPLACE FUNCTION claim_wave_place(p_wave_id bigint, p_start integer) RETURNS smallint
LANGUAGE sql STABLE AS $$ SELECT shard FROM wave_place WHERE wave_id = p_wave_id AND shard = p_start $$;
ALTER TABLE registration DROP CONSTRAINT registration_place_fkey;
"""


class WaveCeiling:

    def __init__(self, port, work, log):
        self.port = port
        self.work = Path(work)
        self.log = log
        self.runs = 0

    # ------------------------------------------------------------------ plumbing

    def psql(self, sql, db):
        out = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", db, "-At",
                              "-v", "ON_ERROR_STOP=1", "-c", sql], check=True, capture_output=True, text=True)
        return out.stdout.strip()

    def create(self, db, landed):
        self.psql(f"DROP DATABASE IF EXISTS {db}", "postgres")
        self.psql(f"CREATE DATABASE {db}", "postgres")
        for script in migration_scripts(FIRST_SHARDED if landed else None):
            subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", db, "-q",
                            "-v", "ON_ERROR_STOP=1", "-f", str(script)], check=True, capture_output=True)

    def commit_latency(self, ms):
        self.psql(f"ALTER SYSTEM SET commit_delay = {ms * 1000}", "postgres")
        self.psql("ALTER SYSTEM SET commit_siblings = 0", "postgres")
        self.psql("SELECT pg_reload_conf()", "postgres")
        time.sleep(0.5)
        shown = self.psql("SHOW commit_delay", "postgres")
        if shown != str(ms * 1000):
            raise RuntimeError(f"commit_delay is {shown}, expected {ms * 1000}")

    def new_wave(self, db, quota):
        self.runs += 1
        code = f"CEIL-{self.runs}"
        wave = self.psql(f"INSERT INTO wave (code, opens_at, closes_at, quota, household_limit) VALUES "
                         f"('{code}', now() - interval '1 day', now() + interval '30 days', {quota}, 2) "
                         "RETURNING id || '|' || opens_at || '|' || closes_at || '|' || household_limit", db)
        wave_id, opens_at, closes_at, household_limit = wave.splitlines()[0].split("|")
        script = self.work / f"wave-ceiling-{code}.sql"
        with_limits = int(self.psql("SELECT max(pronargs) FROM pg_proc WHERE proname = 'register_in_one_statement'", db)) >= 24
        script.write_text(SCRIPT.format(code=code, id=wave_id, opens_at=opens_at, closes_at=closes_at,
                                        household_limit=household_limit, full_reply=FULL_REPLY,
                                        limits=LIMITS if with_limits else ""))
        self.psql("CHECKPOINT", db)
        return code, int(wave_id), script

    def pgbench(self, db, script, clients, seconds):
        out = subprocess.run(["pgbench", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-n",
                              "-M", "prepared", "-c", str(clients), "-j", str(min(clients, 2)), "-T", str(seconds),
                              "-f", str(script), db], capture_output=True, text=True, check=True).stdout
        return {"calls": int(re.search(r"number of transactions actually processed: (\d+)", out).group(1)),
                "calls_per_s": float(re.search(r"tps = ([0-9.]+)", out).group(1)),
                "latency_avg_ms": float(re.search(r"latency average = ([0-9.]+) ms", out).group(1))}

    # ------------------------------------------------------------------ counting

    def count(self, db, code, wave_id, landed, accounted):
        """Rows, the wave's own count, and whether any shard's count differs from its rows or its capacity."""
        rows = int(self.psql(f"SELECT count(*) FROM registration WHERE wave_id = {wave_id} AND released_at IS NULL", db))
        quota = int(self.psql(f"SELECT quota FROM wave WHERE id = {wave_id}", db))
        replies = self.psql(
            f"SELECT count(*), count(*) FILTER (WHERE response_status = 201), "
            f"count(*) FILTER (WHERE response_body = decode('{FULL_REPLY}', 'hex')) "
            f"FROM idempotency_key WHERE key_digest LIKE '{code}-%'", db).split("|")
        counted = {"rows": rows, "quota": quota, "replies": int(replies[0]), "accepted_replies": int(replies[1]),
                   "full_replies": int(replies[2])}
        if landed:
            counted["count"] = int(self.psql(f"SELECT registered_count FROM wave WHERE id = {wave_id}", db))
            counted["shards_off"] = 0
        elif accounted:
            counted["count"] = int(self.psql(f"SELECT coalesce(sum(taken), 0) FROM wave_place WHERE wave_id = {wave_id}", db))
            counted["shards_off"] = int(self.psql(f"""
                SELECT count(*) FROM wave_place p
                LEFT JOIN (SELECT place_shard, count(*) AS n FROM registration
                           WHERE wave_id = {wave_id} AND released_at IS NULL GROUP BY place_shard) r
                       ON r.place_shard = p.shard
                WHERE p.wave_id = {wave_id} AND (coalesce(r.n, 0) <> p.taken OR p.taken > p.capacity)""", db))
        else:
            counted["count"] = rows  # the control keeps no count
            counted["shards_off"] = 0
        counted["oversold"] = rows > quota or counted["count"] > quota
        counted["counts_equal_rows"] = counted["count"] == rows and counted["shards_off"] == 0
        if counted["oversold"] or not counted["counts_equal_rows"]:
            raise RuntimeError(f"wave {code} in {db}: {counted}")
        return counted

    def point(self, variant, clients, seconds, quota=BIG_QUOTA):
        db = DATABASES[variant]
        code, wave_id, script = self.new_wave(db, quota)
        run = self.pgbench(db, script, clients, seconds)
        counted = self.count(db, code, wave_id, variant == "landed", variant == "wave")
        # All calls in an open wave with fresh NIKs are accepted; the rate is of accepted registrations.
        run["registrations_per_s"] = round(run["calls_per_s"] * counted["rows"] / max(run["calls"], 1), 1)
        run["counted"] = counted
        return run

    # ------------------------------------------------------------------ the runs

    def full_wave(self, clients, seconds, quota, latency_ms):
        """A small wave and clients that keep coming after it is full."""
        self.commit_latency(latency_ms)
        db = DATABASES["wave"]
        code, wave_id, script = self.new_wave(db, quota)
        run = self.pgbench(db, script, clients, seconds)
        counted = self.count(db, code, wave_id, False, True)
        times = self.psql(f"""
            SELECT extract(epoch FROM max(created_at) - min(created_at)) FROM registration WHERE wave_id = {wave_id};
            """, db)
        refusals = self.psql(f"""
            SELECT count(*), extract(epoch FROM max(k.created_at) - min(k.created_at))
            FROM idempotency_key k WHERE k.key_digest LIKE '{code}-%'
              AND k.response_body = decode('{FULL_REPLY}', 'hex')""", db).split("|")
        full_count, full_span = int(refusals[0]), float(refusals[1] or 0)
        exact = (counted["rows"] == quota and counted["count"] == quota
                 and counted["full_replies"] == counted["replies"] - counted["rows"])
        if not exact:
            raise RuntimeError(f"small wave {code}: {counted}")
        result = {"quota": quota, "connections": clients, "commit_latency_ms": latency_ms, "seconds": seconds,
                  "calls": run["calls"], "accepted": counted["rows"], "count": counted["count"],
                  "wave_full_409": full_count, "other_answers": counted["replies"] - counted["rows"] - full_count,
                  "filled_in_s": round(float(times or 0), 2),
                  "accepted_per_s_while_filling": round(quota / float(times), 1) if times and float(times) > 0 else None,
                  "wave_full_409_per_s": round(full_count / full_span, 1) if full_span > 0 else None,
                  "oversold": counted["oversold"], "exact": exact}
        self.log(f"wave ceiling, small wave: {quota:,} places filled in {result['filled_in_s']} s, then "
                 f"{full_count:,} x 409 wave-full at {result['wave_full_409_per_s']}/s; accepted {counted['rows']:,}")
        return result

    def run(self, connections=(1, 8, 64, 200), latencies=(0, 2), seconds=10, small_quota=10_000,
            small_clients=200, small_seconds=15, landed=True):
        variants = ["wave", "control"] + (["landed"] if landed else [])
        for variant in variants:
            self.create(DATABASES[variant], variant == "landed")
        self.create_control()
        points = []
        try:
            for latency in latencies:
                self.commit_latency(latency)
                for clients in connections:
                    runs = {variant: self.point(variant, clients, seconds) for variant in variants}
                    row = {"connections": clients, "commit_latency_ms": latency,
                           "registrations_per_s": runs["wave"]["registrations_per_s"],
                           "control_per_s": runs["control"]["registrations_per_s"],
                           "ratio": round(runs["wave"]["registrations_per_s"] / runs["control"]["registrations_per_s"], 3),
                           "oversold": any(r["counted"]["oversold"] for r in runs.values()),
                           "counts_equal_rows": all(r["counted"]["counts_equal_rows"] for r in runs.values()),
                           "latency_avg_ms": runs["wave"]["latency_avg_ms"],
                           "control_latency_avg_ms": runs["control"]["latency_avg_ms"]}
                    if landed:
                        row["as_landed_per_s"] = runs["landed"]["registrations_per_s"]
                    points.append(row)
                    self.log(f"wave ceiling, {clients} connection(s), commit +{latency} ms: {row['registrations_per_s']:.0f}"
                             f"/s, control {row['control_per_s']:.0f}/s ({row['ratio']:.2f})"
                             + (f", as landed {row['as_landed_per_s']:.0f}/s" if landed else ""))
            small = self.full_wave(small_clients, small_seconds, small_quota, max(latencies))
        finally:
            self.commit_latency(0)
            for db in DATABASES.values():
                self.psql(f"DROP DATABASE IF EXISTS {db}", "postgres")
        return points, small

    def create_control(self):
        subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", DATABASES["control"],
                        "-q", "-v", "ON_ERROR_STOP=1"], input=CONTROL, check=True, capture_output=True, text=True)


def report_lines(points, small, command):
    best = max(points, key=lambda p: p["registrations_per_s"])
    has_landed = "as_landed_per_s" in points[0]
    lines = ["## One wave's ceiling (registrations/s into one wave, pgbench of the application's statement)", "",
             "| Connections | Commit latency | One wave | Control (no place accounting) | Ratio |"
             + (" As landed (V9, the wave's row) |" if has_landed else "") + " Oversold | Counts = rows |",
             "|---|---|---|---|---|" + ("---|" if has_landed else "") + "---|---|"]
    for p in points:
        lines.append(f"| {p['connections']} | {p['commit_latency_ms']} ms | {p['registrations_per_s']:,.0f} | "
                     f"{p['control_per_s']:,.0f} | {p['ratio']:.2f} |"
                     + (f" {p['as_landed_per_s']:,.0f} |" if has_landed else "")
                     + f" {'yes' if p['oversold'] else 'no'} | {'yes' if p['counts_equal_rows'] else 'no'} |")
    lines += ["", f"Highest rate one wave reached here: {best['registrations_per_s']:,.0f} registrations/s "
              f"({best['connections']} connections, commit +{best['commit_latency_ms']} ms).", "",
              f"A wave of {small['quota']:,} places and {small['connections']} clients that keep coming for "
              f"{small['seconds']} s (commit +{small['commit_latency_ms']} ms): {small['accepted']:,} accepted (its count "
              f"{small['count']:,}), filled in {small['filled_in_s']} s ({small['accepted_per_s_while_filling']:,} a "
              f"second, its last places included); then {small['wave_full_409']:,} answers "
              f"409 `/wave-full` at {small['wave_full_409_per_s']:,} a second, {small['other_answers']} other answers.", "",
              f"Produced by `{command}`. pgbench runs `SELECT * FROM register_in_one_statement(...)` prepared, as "
              "`RegistrationStore` sends it, with fresh NIKs and family cards (every call in an open wave is "
              "accepted), one new wave per run. Commit latency 2 ms is `commit_delay = 2000` with `commit_siblings = "
              "0`: each commit waits before its WAL flush while holding its locks, as Aurora waits for its storage "
              "quorum. The control is the same schema and statement with only the place accounting taken out "
              "(`claim_wave_place` a lock-free read, no foreign key from the registration to its shard); as landed "
              "is the schema up to V9, where each registration updated the wave's row. After every run the bench "
              "counts the wave: rows never above the quota, and the count (each shard's and the wave's) equal to the "
              "rows. pgbench and PostgreSQL share the same 2 cores."]
    return lines
