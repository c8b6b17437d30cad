"""What moving the schema to Flyway costs the API function at cold start (docs/decisions/0006-migrations.md).

Compares process start to ready (first GET /q/health/live answered, under the Lambda Runtime
Interface Emulator with Lambda's JVM flags, as bench/run does) of two packages, interleaved, so
that drift on the shared machine hits both alike:
  control: function.zip built from the commit before Flyway (the hand-written migrator over the
           reactive client);
  flyway:  function.zip of this tree (Flyway and the PostgreSQL JDBC driver packaged; neither runs
           outside the schema-migration function).
Before the runs each package migrates the database once, the control first, so the Flyway package
also takes over a database the earlier migrator kept (baselined from schema_history).
Usage (with the build lock, after bench/run has built the emulator once; a package per commit,
./mvnw -B -DskipTests package in a clone at that commit):
  python3 bench/flyway_cost.py CONTROL.zip FLYWAY.zip 10
"""
import shutil, sys, statistics, zipfile
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench

bench.PG_PORT = 55499  # not bench/run's, so both can be on one machine
bench.PG_DIR = Path("/tmp/gelombang-flyway-cost-pg")
bench.WORK = bench.TARGET / "flyway-cost"
bench.WORK.mkdir(parents=True, exist_ok=True)


def unzip(z, d):
    shutil.rmtree(d, ignore_errors=True)
    with zipfile.ZipFile(z) as f:
        f.extractall(d)
    return d


CONTROL = "control: before Flyway (hand-written migrator)"
FLYWAY = "Flyway (flyway-core + JDBC driver, idle)"
packages = {CONTROL: unzip(sys.argv[1], bench.WORK / "control"), FLYWAY: unzip(sys.argv[2], bench.WORK / "flyway")}
runs = int(sys.argv[3])
print(bench.start_postgres(), flush=True)
try:
    for name, task in packages.items():  # each migrates once: the control's schema, then Flyway's take-over
        setup = bench.Function("setup", bench.JDK17, bench.LAMBDA_FLAGS, task, bench.QUARKUS_HANDLER,
                               bench.app_config(migrate=True), bench.WORK / "setup.log")
        status, _, _ = setup.invoke(bench.api_event("GET", "/q/health/ready"))
        setup.stop()
        assert status == 200, (name, "setup", status)
    results = {name: [] for name in packages}
    for i in range(runs):
        for name, task in packages.items():
            fn = bench.Function("cold", bench.JDK17, bench.LAMBDA_FLAGS, task, bench.QUARKUS_HANDLER,
                                bench.app_config(), bench.WORK / "cold.log")
            status, _, _ = fn.invoke(bench.api_event("GET", "/q/health/live"))
            ms = fn.since_start_ms()
            fn.stop()
            assert status == 200, (name, status)
            results[name].append(ms)
    for name, values in results.items():
        print(f"{name}: median {statistics.median(values):.0f} ms, min {min(values):.0f}, max {max(values):.0f}, "
              f"n={len(values)}; zip {Path(sys.argv[1 if name == CONTROL else 2]).stat().st_size / 1e6:.1f} MB")
finally:
    bench.stop_postgres()
