"""What quarkus-flyway would cost the API function at cold start (docs/decisions/0006-migrations.md).

Compares process start to ready (first GET /q/health/live answered, under the Lambda Runtime
Interface Emulator with Lambda's JVM flags, as bench/run does) of two packages, interleaved:
  A: target/function.zip as it is (SchemaMigrator over the reactive client);
  B: the same sources plus io.quarkus:quarkus-flyway, io.quarkus:quarkus-jdbc-postgresql and
     org.flywaydb:flyway-database-postgresql, with
       quarkus.datasource.jdbc=false          (Hibernate Reactive keeps the default datasource;
                                               with a JDBC datasource Hibernate ORM takes it and
                                               the API function fails to start without a JDBC URL)
       quarkus.flyway.migrate-at-start=false  (the API function never migrates)
     built with ./mvnw -DskipTests package in a scratch copy.
Usage (with the build lock, after bench/run has built the emulator once):
  python3 bench/flyway_cost.py A.zip B.zip 10
"""
import os, sys, shutil, statistics, zipfile
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

a = unzip(sys.argv[1], bench.WORK / "a")
b = unzip(sys.argv[2], bench.WORK / "b")
runs = int(sys.argv[3])
print(bench.start_postgres(), flush=True)
try:
    setup = bench.Function("setup", bench.JDK17, bench.LAMBDA_FLAGS, a, bench.QUARKUS_HANDLER,
                           bench.app_config(migrate=True), bench.WORK / "setup.log")
    setup.invoke(bench.api_event("GET", "/q/health/ready"))
    setup.stop()
    results = {"without Flyway (SchemaMigrator)": [], "with quarkus-flyway + JDBC + Agroal, inactive": []}
    for i in range(runs):  # interleaved, so drift on the shared machine hits both alike
        for name, task in (("without Flyway (SchemaMigrator)", a), ("with quarkus-flyway + JDBC + Agroal, inactive", b)):
            fn = bench.Function("cold", bench.JDK17, bench.LAMBDA_FLAGS, task, bench.QUARKUS_HANDLER,
                                bench.app_config(), bench.WORK / "cold.log")
            status, _, _ = fn.invoke(bench.api_event("GET", "/q/health/live"))
            ms = fn.since_start_ms()
            fn.stop()
            assert status == 200, (name, status)
            results[name].append(ms)
    for name, values in results.items():
        print(f"{name}: median {statistics.median(values):.0f} ms, min {min(values):.0f}, max {max(values):.0f}, n={len(values)}")
finally:
    bench.stop_postgres()
