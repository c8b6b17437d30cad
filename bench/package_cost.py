"""Cold start of two builds of the API function's package side by side (docs/runtime.md, "Package size").

Each package (an api-function.zip: bootstrap, jlinked JDK, jars, AOT cache) is unpacked as Lambda
unpacks it and started under the Lambda Runtime Interface Emulator as bench/run starts the custom
runtime, interleaved start by start so that the shared machine's drift hits both alike:
  ready: process start to the first GET /q/health/live answered;
  first: process start to the first registration and its upload URL answered (a start of its own).
A is the control (the package as it was), B the package under test. Every start must take its
classes from its own AOT cache: a start whose log has the JVM's "Unable to use AOT cache" stops the
run. The schema and the bench wave come from target/function.zip's migration, as in bench/run.
With a memory size as fourth argument, every instance runs capped to the CPU share Lambda gives
that size, from its first instruction (init throttled, as bench/run --only share reads it).
Usage (with the build lock, after bench/run has built the emulator and target/function.zip once):
  python3 bench/package_cost.py A.zip B.zip 10 [2560]
"""
import shutil, statistics, subprocess, sys, zipfile
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench

bench.PG_PORT = 55498  # not bench/run's, so both can be on one machine
bench.PG_DIR = Path("/tmp/gelombang-package-cost-pg")
bench.WORK = bench.TARGET / "package-cost"
bench.WORK.mkdir(parents=True, exist_ok=True)


def unpack(package, name):
    root = bench.WORK / name
    shutil.rmtree(root, ignore_errors=True)
    # unzip keeps the files' times, which the AOT cache checks; zip times have no zone, Lambda unpacks in UTC
    subprocess.run(["unzip", "-q", str(package), "-d", str(root)], check=True, env={"TZ": "UTC", "PATH": "/usr/bin:/bin"})
    return root


def unzipped_bytes(package):
    with zipfile.ZipFile(package) as z:
        return sum(i.file_size for i in z.infolist())


def cold(task, log, memory_mb=None, cap=None):
    if not memory_mb:
        return bench.Function("cold", bench.CUSTOM, [], task, bench.QUARKUS_HANDLER, bench.app_config(), log)
    share = bench.vcpus(memory_mb)
    return bench.Function("cold", bench.CUSTOM, bench.AS_IN_LAMBDA, task, bench.QUARKUS_HANDLER, bench.app_config(),
                          log, timeout=120, cpu=bench.CpuShare(cap, share, share), memory_mb=memory_mb)


def checked(fn, log):
    if "Unable to use AOT cache" in Path(log).read_text(errors="replace"):
        fn.stop()
        raise RuntimeError(f"the JVM refused the AOT cache; see {log}")


def main():
    packages = {"A (control)": Path(sys.argv[1]), "B": Path(sys.argv[2])}
    runs = int(sys.argv[3])
    memory_mb = int(sys.argv[4]) if len(sys.argv) > 4 else None
    cap = bench.CpuCap.create("gelombang-package-cost") if memory_mb else None
    if memory_mb and not cap:
        sys.exit("no CPU-capped cgroup on this machine")
    roots = {name: unpack(path, name.split()[0]) for name, path in packages.items()}
    task = bench.WORK / "function"
    shutil.rmtree(task, ignore_errors=True)
    with zipfile.ZipFile(bench.TARGET / "function.zip") as z:
        z.extractall(task)
    print(bench.start_postgres(), flush=True)
    try:
        bench.migrate_and_define_wave(task)
        ready = {name: [] for name in packages}
        first = {name: [] for name in packages}
        for _ in range(runs):
            for name, root in roots.items():
                log = bench.WORK / f"cold-{name.split()[0]}.log"
                fn = cold(root, log, memory_mb, cap)
                status, _, _ = fn.invoke(bench.api_event("GET", "/q/health/live"))
                ready[name].append(fn.since_start_ms())
                checked(fn, log)
                fn.stop()
                assert status == 200, (name, status)
                fn = cold(root, log, memory_mb, cap)
                rid, token, _ = bench.register(fn)
                bench.upload_url(fn, rid, token)
                first[name].append(fn.since_start_ms())
                checked(fn, log)
                fn.stop()
        for name, path in packages.items():
            r, f = ready[name], first[name]
            print(f"{name} {path.name}: {unzipped_bytes(path):,} bytes unzipped; "
                  f"ready median {statistics.median(r):.0f} ms [{min(r):.0f}-{max(r):.0f}], "
                  f"first registration + upload URL median {statistics.median(f):.0f} ms [{min(f):.0f}-{max(f):.0f}], "
                  f"n={len(r)}" + (f", capped to {bench.vcpus(memory_mb):.2f} vCPU ({memory_mb} MB)" if memory_mb else ""))
    finally:
        bench.stop_postgres()
        if cap:
            cap.remove()


if __name__ == "__main__":
    main()
