#!/usr/bin/env python3
"""Gelombang benchmarks: figures, not pass/fail.

Runs the packaged function (target/function.zip) the way Lambda runs it: AWS's Java runtime
interface client behind the Lambda Runtime Interface Emulator, one process per instance, one
PostgreSQL connection each. Measures cold start (with a plain-Java baseline under the same
emulator and flags), warm invocation duration, the database's ceiling for the registration SQL
against a fleet of 1-8 instances, one wave's ceiling at up to 200 connections with Aurora's commit
latency (bench/wave_ceiling.py), presign cost, the draw of a wave of 1,000,000 registrations,
and derives a cost model. Writes bench/results/latest.md and bench/results/latest.json;
--draw-only runs the draw alone and writes bench/results/draw.md and draw.json.

Started by bench/run, which builds the artifact and installs the tools first.
"""
import argparse
import hashlib
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import wave_ceiling

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "target"
WORK = TARGET / "bench"
RESULTS = ROOT / "bench" / "results"
TOOLS = Path(os.environ.get("BENCH_TOOLS", ROOT / "bench" / ".tools"))
RIE = TOOLS / "aws-lambda-rie"
JDK17 = os.environ.get("JDK17_HOME", "/usr/lib/jvm/java-17-openjdk-amd64")
JDK25 = os.environ.get("JDK25_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64")
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
PG_PORT = 55432
PG_DIR = Path("/tmp/gelombang-bench-pg")
QUARKUS_HANDLER = "io.quarkus.amazon.lambda.runtime.QuarkusStreamHandler::handleRequest"
BASELINE_HANDLER = "bench.BaselineHandler::handleRequest"
RIC_MAIN = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda"


def api_function_memory_mb(template=Path(__file__).resolve().parent.parent / "infra" / "template.yaml"):
    """The MemorySize infra/template.yaml gives ApiFunction, so that the cost model prices what is deployed."""
    block = re.search(r"^  ApiFunction:\n(.*?)(?=^  \S)", template.read_text(), re.M | re.S).group(1)
    return int(re.search(r"^      MemorySize: (\d+)", block, re.M).group(1))


MEMORY_MB = api_function_memory_mb()
WAVE = "BENCH"
LAMBDA_FLAGS = ["-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1"]  # what the managed Java runtime sets
CUSTOM = "custom"  # Function's java_home for the API function's own runtime (target/api-function.zip)

# ----------------------------------------------------------------------------- helpers


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def percentile(values, p):
    ordered = sorted(values)
    if not ordered:
        return None
    k = (len(ordered) - 1) * p / 100
    lower, upper = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (k - lower)


def summary(values):
    return {
        "n": len(values),
        "median": round(statistics.median(values), 2),
        "p90": round(percentile(values, 90), 2),
        "p99": round(percentile(values, 99), 2),
        "min": round(min(values), 2),
        "max": round(max(values), 2),
    }


# Below Linux's ephemeral range (32768 and up): a client retrying against an emulator that does not
# listen yet could otherwise be handed the same port as its own source and connect to itself.
_PORTS = (20000, 32000)
_next_port = [_PORTS[0] + random.randrange(_PORTS[1] - _PORTS[0])]


def free_port():
    """A port nobody listens on and no earlier call handed out (emulators bind theirs a moment later)."""
    import socket
    while True:
        _next_port[0] = _next_port[0] + 1 if _next_port[0] + 1 < _PORTS[1] else _PORTS[0]
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", _next_port[0]))
                return _next_port[0]
            except OSError:
                continue


def pg(sql, db="gelombang"):
    out = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", "-d", db,
                          "-At", "-c", sql], check=True, capture_output=True, text=True)
    return out.stdout.strip()


# ----------------------------------------------------------------------------- test data

_serial = [0]


def registration_body():
    """A valid registrant with a NIK no earlier call returned (region 3171 23, serials from 0001)."""
    _serial[0] += 1
    n = _serial[0]
    year = 1960 + (n // 9000) % 40
    day, month = 1 + (n // 360000) % 28, 1 + (n // 30000) % 12
    serial = n % 9000 + 1
    woman = n % 2 == 0
    nik = f"317123{day + (40 if woman else 0):02d}{month:02d}{year % 100:02d}{serial:04d}"
    kk = f"3171230101{year % 100:02d}{serial:04d}"
    return {"nik": nik, "kkNumber": kk, "fullName": "Siti Rahayu", "birthDate": f"{year}-{month:02d}-{day:02d}",
            "sex": "F" if woman else "M", "email": f"bench{n}@example.com", "phone": f"0812{n % 100000000:08d}",
            "waveCode": WAVE}


def phone_address():
    """A caller's address as API Gateway passes it: each bench request from a different phone, as on the
    day, so that the per-source burst limit (one minute's registrations per address) is in the path
    without refusing the bench."""
    return f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"


def api_event(method, path, headers=None, body=None):
    headers = {k.lower(): v for k, v in (headers or {}).items()}
    if body is not None:
        headers.setdefault("content-type", "application/json")
    return json.dumps({
        "version": "2.0", "routeKey": f"{method} {path}", "rawPath": path, "rawQueryString": "",
        "headers": headers,
        "requestContext": {"http": {"method": method, "path": path, "protocol": "HTTP/1.1",
                                    "sourceIp": phone_address(), "userAgent": "bench"},
                           "stage": "$default", "routeKey": f"{method} {path}", "requestId": "bench",
                           "timeEpoch": int(time.time() * 1000)},
        "body": None if body is None else json.dumps(body),
        "isBase64Encoded": False,
    }).encode()


# ----------------------------------------------------------------------------- the function under the emulator


def in_child(join_cgroup, nice):
    """What a started process does before it runs: join its CPU cgroup, take its priority."""
    if not join_cgroup and not nice:
        return None

    def prepare():
        if join_cgroup:
            join_cgroup()
        if nice:
            os.nice(nice)
    return prepare


class Function:
    """One Lambda instance: the emulator plus the runtime process it starts on the first invoke."""

    def __init__(self, name, java_home, flags, task_root, handler, config, log_file, timeout=60, cpu=None,
                 memory_mb=MEMORY_MB, nice=0):
        """java_home CUSTOM runs task_root's bootstrap (the provided.al2023 package: its jlinked JDK, its
        flags, its AOT cache), with flags as extra JVM options; otherwise java_home's java runs AWS's
        runtime interface client as the managed Java runtime does. cpu, a CpuShare, puts the whole
        instance (emulator, bootstrap, JVM) in its cgroup with the CPU it gives during init, and
        gives the handler's CPU once init is done, when the runtime first asks for an event. nice, below
        0, puts the whole instance ahead of the machine's other processes for the CPU (every thread
        inherits it)."""
        self.port = free_port()
        self.log_path = log_file
        self.timeout = timeout
        self.cpu = cpu
        env = dict(os.environ, AWS_LAMBDA_FUNCTION_MEMORY_SIZE=str(memory_mb), AWS_REGION="ap-southeast-3",
                   AWS_LAMBDA_FUNCTION_NAME=name)
        if java_home == CUSTOM:
            runtime = [str(Path(task_root) / "bootstrap"), *flags, *[f"-D{k}={v}" for k, v in config.items()]]
            env.update(_HANDLER=handler, LAMBDA_TASK_ROOT=str(task_root))
        else:
            runtime = [f"{java_home}/bin/java", *flags, *[f"-D{k}={v}" for k, v in config.items()],
                       "-cp", f"{TARGET / 'lambda-runtime'}/*", RIC_MAIN, handler]
        # Each emulator gets its own Runtime API port (default 9001), so instances can run side by side.
        runtime_api_port = free_port()
        join_cgroup = None
        self.tap = None
        if cpu:
            cpu.cap.wait_empty()
            cpu.cap.limit(cpu.init_vcpus)
            join_cgroup = cpu.cap.join
        if cpu and cpu.init_vcpus != cpu.handler_vcpus:
            # The runtime reaches the emulator through the tap, which notices the end of init. Only
            # here: relaying every call through Python adds to each invocation's time.
            self.tap = RuntimeApiTap(runtime_api_port, lambda: cpu.cap.limit(cpu.handler_vcpus))
            runtime = ["/usr/bin/env", f"AWS_LAMBDA_RUNTIME_API=127.0.0.1:{self.tap.port}", *runtime]
        cmd = [str(RIE), "--runtime-interface-emulator-address", f"127.0.0.1:{self.port}",
               "--runtime-api-address", f"127.0.0.1:{runtime_api_port}", *runtime]
        self.log = open(log_file, "w")
        self.started = time.perf_counter()
        self.process = subprocess.Popen(cmd, cwd=task_root, stdout=self.log, stderr=subprocess.STDOUT, env=env,
                                        start_new_session=True, preexec_fn=in_child(join_cgroup, nice))
        self.url = f"http://127.0.0.1:{self.port}/2015-03-31/functions/function/invocations"

    def invoke(self, event, timeout=None):
        """Returns (statusCode, body, client milliseconds); retries until the emulator listens."""
        timeout = timeout or self.timeout
        deadline = time.perf_counter() + timeout
        while True:
            t0 = time.perf_counter()
            try:
                with urllib.request.urlopen(urllib.request.Request(self.url, data=event, method="POST"),
                                            timeout=timeout) as response:
                    payload = json.loads(response.read())
                return payload.get("statusCode"), payload.get("body"), (time.perf_counter() - t0) * 1000
            except (ConnectionRefusedError, urllib.error.URLError) as e:
                if time.perf_counter() > deadline or not isinstance(getattr(e, "reason", e), ConnectionRefusedError):
                    raise
                time.sleep(0.002)

    def since_start_ms(self):
        return (time.perf_counter() - self.started) * 1000

    def runtime_pid(self):
        out = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True).stdout.split()
        return int(out[0]) if out else None

    def cpu_ms(self):
        """User + system CPU of the runtime process so far (utime + stime of /proc/<pid>/stat), ms."""
        fields = Path(f"/proc/{self.runtime_pid()}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")

    def peak_rss_mb(self):
        pid = self.runtime_pid()
        if not pid:
            return None
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return None

    def durations(self):
        """Function-side durations of each invocation, as the emulator reports them (what Lambda bills)."""
        self.log.flush()
        text = Path(self.log_path).read_text(errors="replace")
        return [float(m) for m in re.findall(r"INVOKE RTDONE\(status: success[^)]*duration: ([0-9.]+)ms", text)]

    def init_ms(self):
        self.log.flush()
        m = re.search(r"INIT REPORT\(durationMs: ([0-9.]+)\)", Path(self.log_path).read_text(errors="replace"))
        return float(m.group(1)) if m else None

    def stop(self, sig=signal.SIGKILL):
        """Stops the runtime (the emulator starts it in a process group of its own), then the emulator."""
        pid = self.runtime_pid()
        try:
            if pid:
                os.kill(pid, sig)
                for _ in range(600):
                    if not Path(f"/proc/{pid}").exists() or _is_zombie(pid):
                        break
                    time.sleep(0.05)
                else:
                    os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()
        self.log.close()
        if self.tap:
            self.tap.close()


# ----------------------------------------------------------------------------- Lambda's CPU share

# Lambda gives CPU in proportion to memory: "At 1,769 MB, a function has the equivalent of one vCPU
# (one vCPU-second of credits per second)" (docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html,
# read 2026-12-06). Below and above it the share is proportional, which is what the bench caps to.
LAMBDA_MB_PER_VCPU = 1769
# The memory sizes the cold start is measured at: the workers' (and once the API function's), one
# vCPU, two steps between, and the largest size at which Lambda still shows the function 2 vCPUs (as
# on this machine).
SHARE_MEMORIES_MB = (1024, 1769, 2048, 2560, 3008)
# The throttling period: Linux's default CFS period. AWS does not document Lambda's.
CFS_PERIOD_US = 100_000
# Lambda shows a function of up to 3,008 MB two vCPUs and no quota of its own (github.com/rwnx/lambda-cpuinfo;
# Runtime.availableProcessors() answers 2), so the JVM must not size itself from the bench's cgroup
# either: with the quota visible it would count one CPU where Lambda's JVM counts two.
AS_IN_LAMBDA = ["-XX:-UseContainerSupport"]


def vcpus(memory_mb):
    return memory_mb / LAMBDA_MB_PER_VCPU


class CpuCap:
    """A cgroup of the CPU controller whose bandwidth the bench sets (cgroup v1: cpu.cfs_quota_us and
    cpu.cfs_period_us; v2: cpu.max). Instances join it from their first instruction (preexec_fn, so the
    emulator and everything it starts are in it); PostgreSQL and the bench itself stay outside."""

    def __init__(self, path, version):
        self.path, self.version = path, version

    @classmethod
    def create(cls, name, v1_roots=(Path("/sys/fs/cgroup/cpu"), Path("/sys/fs/cgroup/cpu,cpuacct")), v2_roots=None):
        """The cgroup, or None with a warning when this machine or user cannot make one. v2_roots:
        the cgroup v2 mounts to try, by default those in /proc/mounts."""
        reasons = []
        for root in v1_roots:
            if (root / "cpu.cfs_quota_us").exists():
                try:
                    path = root / name
                    path.mkdir(exist_ok=True)
                    cap = cls(path, 1)
                    cap.limit(None)
                    return cap
                except OSError as e:
                    reasons.append(f"v1 at {root}: {e}")
        if v2_roots is None:
            v2_roots = [Path(line.split()[1]) for line in Path("/proc/mounts").read_text().splitlines()
                        if line.split()[2] == "cgroup2"]
        for root in v2_roots:
            try:
                if "cpu" not in (root / "cgroup.controllers").read_text().split():
                    reasons.append(f"v2 at {root}: the cpu controller is not available there")
                    continue
                if "cpu" not in (root / "cgroup.subtree_control").read_text().split():
                    (root / "cgroup.subtree_control").write_text("+cpu")
                path = root / name
                path.mkdir(exist_ok=True)
                cap = cls(path, 2)
                cap.limit(None)
                return cap
            except OSError as e:
                reasons.append(f"v2 at {root}: {e}")
        log("WARNING: no CPU cgroup could be made, so the cold start at Lambda's CPU share is not measured ("
            + ("; ".join(reasons) or "no cgroup v1 cpu controller or cgroup v2 mount") + ")")
        return None

    def limit(self, cpus):
        """At most `cpus` CPUs' worth of time per period for everything in the cgroup; None: no limit."""
        quota = -1 if cpus is None else max(1000, round(cpus * CFS_PERIOD_US))
        if self.version == 1:
            (self.path / "cpu.cfs_period_us").write_text(str(CFS_PERIOD_US))
            (self.path / "cpu.cfs_quota_us").write_text(str(quota))
        else:
            (self.path / "cpu.max").write_text(f"{'max' if quota < 0 else quota} {CFS_PERIOD_US}")

    def join(self):
        """Moves the calling process into the cgroup (run in the child before exec: all it starts follows)."""
        (self.path / "cgroup.procs").write_text(str(os.getpid()))

    def wait_empty(self):
        """Waits until the previous instance's processes have left (they would take the next one's CPU)."""
        for _ in range(200):
            if not (self.path / "cgroup.procs").read_text().split():
                return
            time.sleep(0.01)
        raise RuntimeError(f"processes left in {self.path}: {(self.path / 'cgroup.procs').read_text().split()}")

    def throttled_periods(self):
        stat = dict(line.split() for line in (self.path / "cpu.stat").read_text().splitlines())
        return int(stat.get("nr_throttled", 0))

    def remove(self):
        for pid in (self.path / "cgroup.procs").read_text().split():
            try:
                (self.path.parent / "cgroup.procs").write_text(pid)
            except OSError:
                pass
        for attempt in range(50):  # processes killed a moment ago may still be leaving
            try:
                self.path.rmdir()
                return
            except OSError as e:
                if attempt == 49:
                    log(f"WARNING: could not remove {self.path}: {e}")
                time.sleep(0.1)

    def describe(self):
        return f"cgroup v{self.version} {self.path}, period {CFS_PERIOD_US // 1000} ms"


class CpuShare:
    """How an instance is capped: the CPU it gets during init and once init is done (None: uncapped)."""

    def __init__(self, cap, init_vcpus, handler_vcpus):
        self.cap, self.init_vcpus, self.handler_vcpus = cap, init_vcpus, handler_vcpus


class RuntimeApiTap:
    """A TCP relay between the runtime and the emulator's Runtime API. When the runtime first asks for
    an event (GET .../runtime/invocation/next), which is where Lambda's INIT phase ends, it calls
    on_init_done before that request reaches the emulator, so nothing of the first invocation runs
    before it. Everything else passes through unchanged."""

    def __init__(self, upstream_port, on_init_done):
        self.upstream_port, self.on_init_done = upstream_port, on_init_done
        self.init_done_at = None
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.sockets = [self.server]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                runtime, _ = self.server.accept()
            except OSError:
                return
            emulator = socket.create_connection(("127.0.0.1", self.upstream_port))
            for s in (runtime, emulator):
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.sockets += [runtime, emulator]
            threading.Thread(target=self._pump, args=(runtime, emulator, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(emulator, runtime, False), daemon=True).start()

    def _pump(self, source, sink, from_runtime):
        try:
            while data := source.recv(65536):
                if from_runtime and self.init_done_at is None and b"/runtime/invocation/next" in data:
                    self.init_done_at = time.perf_counter()
                    self.on_init_done()
                sink.sendall(data)
        except OSError:
            pass
        finally:
            try:
                sink.shutdown(socket.SHUT_WR)
            except OSError:
                pass

    def close(self):
        for s in self.sockets:
            try:
                s.close()
            except OSError:
                pass


def _is_zombie(pid):
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] == "Z"
    except OSError:
        return True


# ----------------------------------------------------------------------------- setup


def prepare_function():
    task = WORK / "function"
    shutil.rmtree(task, ignore_errors=True)
    with zipfile.ZipFile(TARGET / "function.zip") as z:
        z.extractall(task)
    baseline = WORK / "baseline"
    shutil.rmtree(baseline, ignore_errors=True)
    subprocess.run([f"{JDK17}/bin/javac", "--release", "17", "-d", str(baseline), "-cp",
                    f"{TARGET / 'lambda-runtime'}/*", str(ROOT / "bench" / "baseline" / "BaselineHandler.java")],
                   check=True)
    return task, baseline


def prepare_custom_runtime(baseline):
    """target/api-function.zip unpacked as Lambda unpacks it into /var/task (unzip keeps the files'
    times, which the AOT cache checks), and a plain-Java baseline under the same runtime: the same
    bootstrap, jlinked JDK, flags and runtime client, with the baseline handler as the task's code."""
    custom = WORK / "api-function"
    shutil.rmtree(custom, ignore_errors=True)
    subprocess.run(["unzip", "-q", str(TARGET / "api-function.zip"), "-d", str(custom)], check=True,
                   env=dict(os.environ, TZ="UTC"))  # zip times have no zone; Lambda unpacks in UTC
    custom_baseline = WORK / "baseline-custom"
    shutil.rmtree(custom_baseline, ignore_errors=True)
    shutil.copytree(baseline, custom_baseline)
    shutil.copy2(custom / "bootstrap", custom_baseline / "bootstrap")
    for shared in ("jre", "runtime-client"):
        (custom_baseline / shared).symlink_to(custom / shared)
    return custom, custom_baseline


def start_postgres(settings="-c shared_buffers=256MB"):
    subprocess.run(["bash", "-c", f"runuser -u postgres -- {PG_BIN}/pg_ctl -D {PG_DIR} stop -m immediate"],
                   capture_output=True)
    shutil.rmtree(PG_DIR, ignore_errors=True)
    PG_DIR.mkdir(parents=True)
    shutil.chown(PG_DIR, "postgres", "postgres")
    subprocess.run(["runuser", "-u", "postgres", "--", f"{PG_BIN}/initdb", "-D", str(PG_DIR), "-A", "trust",
                    "-U", "postgres", "--no-sync"], check=True, capture_output=True)
    options = (f"-p {PG_PORT} -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=250 "
               f"-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track_utility=on "
               f"{settings}")
    subprocess.run(["runuser", "-u", "postgres", "--", f"{PG_BIN}/pg_ctl", "-D", str(PG_DIR), "-w", "-l",
                    str(PG_DIR / "server.log"), "-o", options, "start"], check=True, capture_output=True)
    pg("CREATE DATABASE gelombang", db="postgres")
    pg("CREATE EXTENSION pg_stat_statements")
    return subprocess.run([f"{PG_BIN}/postgres", "--version"], capture_output=True, text=True).stdout.strip()


def stop_postgres():
    subprocess.run(["runuser", "-u", "postgres", "--", f"{PG_BIN}/pg_ctl", "-D", str(PG_DIR), "stop", "-m", "fast"],
                   capture_output=True)


def app_config(migrate=False):
    config = {
        "quarkus.datasource.reactive.url": f"postgresql://127.0.0.1:{PG_PORT}/gelombang",
        "quarkus.datasource.username": "postgres",
        "quarkus.datasource.password": "postgres",
        "gelombang.crypto.data-key": "bench-only-data-key-never-use-in-production-0001",
        "gelombang.crypto.lookup-key": "bench-only-lookup-key-never-use-in-production-01",
        "gelombang.upload.bucket": "gelombang-ktp-bench",
        # Presigning is local computation: the endpoint is never contacted by these benchmarks.
        "quarkus.s3.endpoint-override": "http://127.0.0.1:9",
        "quarkus.s3.path-style-access": "true",
        "quarkus.s3.aws.region": "ap-southeast-3",
        "quarkus.s3.aws.credentials.type": "static",
        "quarkus.s3.aws.credentials.static-provider.access-key-id": "bench",
        "quarkus.s3.aws.credentials.static-provider.secret-access-key": "bench-secret",
    }
    if migrate:
        config.update({
            "gelombang.schema.migrate-at-start": "true",
            "gelombang.waves.seed-at-start": "true",
            f'gelombang.waves.seed."{WAVE}".opens-at': "2020-01-01T00:00:00Z",
            f'gelombang.waves.seed."{WAVE}".closes-at': "2099-01-01T00:00:00Z",
            f'gelombang.waves.seed."{WAVE}".quota': "100000000",
            f'gelombang.waves.seed."{WAVE}".household-limit': "20",
        })
    return config


def register(fn):
    status, body, ms = fn.invoke(api_event("POST", "/v1/registrations",
                                           {"idempotency-key": f"bench-{random.getrandbits(96):x}"},
                                           registration_body()))
    if status != 201:
        raise RuntimeError(f"registration answered {status}: {body}")
    created = json.loads(body)
    return created["id"], created["registrationToken"], ms


def upload_url(fn, rid, token):
    status, body, ms = fn.invoke(api_event("POST", f"/v1/registrations/{rid}/ktp/upload-url",
                                           {"authorization": f"Bearer {token}"},
                                           {"contentType": "image/jpeg", "contentLength": 150000,
                                            "checksumSha256": "FZyB5ehcw9DdhzxyrBAWPTZE/V1c/UWfTgHVBMLjj9E="}))
    if status != 201:
        raise RuntimeError(f"upload-url answered {status}: {body}")
    return ms


def get_registration(fn, rid, token):
    status, body, ms = fn.invoke(api_event("GET", f"/v1/registrations/{rid}", {"authorization": f"Bearer {token}"}))
    if status != 200:
        raise RuntimeError(f"get answered {status}: {body}")
    return ms


# ----------------------------------------------------------------------------- benchmarks


def runtime_variants(task, baseline, custom, custom_baseline):
    """The runtimes compared side by side: (name, java_home, flags, task root, baseline task root).
    Flags with {aot} use the AOT cache the bench trains itself on the full JDK 25."""
    return [
        ("Managed java17 as before: JDK 17, TieredStopAtLevel=1", JDK17, LAMBDA_FLAGS, task, baseline),
        ("Full JDK 25, TieredStopAtLevel=1 + AOT cache trained by the bench", JDK25,
         LAMBDA_FLAGS + ["-XX:AOTCache={aot}"], task, baseline),
        ("Custom runtime (provided.al2023): jlinked Temurin 25, bootstrap flags, build-trained AOT cache",
         CUSTOM, [], custom, custom_baseline),
        ("Custom runtime with its AOT cache off", CUSTOM, ["-XX:AOTMode=off"], custom, custom_baseline),
        ("Custom runtime with C2 as well (TieredStopAtLevel=4)", CUSTOM, ["-XX:TieredStopAtLevel=4"], custom,
         custom_baseline),
    ]


def cold_starts(variants, runs):
    """Process start to ready (first trivial invoke answered) and to the first registration + upload URL."""
    archives = train_archives(variants[0][3])
    results = []
    for name, jdk, flags, task, baseline in variants:
        flags = [f.format(**archives) for f in flags]
        ready, init, first = [], [], []
        for i in range(runs):
            fn = Function("cold", jdk, flags, task, QUARKUS_HANDLER, app_config(), WORK / "cold.log")
            fn.invoke(api_event("GET", "/q/health/live"))
            ready.append(fn.since_start_ms())
            init.append(fn.init_ms() or 0)
            fn.stop()
            fn = Function("cold", jdk, flags, task, QUARKUS_HANDLER, app_config(), WORK / "cold.log")
            rid, token, _ = register(fn)
            upload_url(fn, rid, token)
            first.append(fn.since_start_ms())
            fn.stop()
        base_ready = []
        for i in range(runs):
            fn = Function("baseline", jdk, [f for f in flags if "AOTCache" not in f and "Archive" not in f],
                          baseline, BASELINE_HANDLER, {}, WORK / "baseline.log")
            fn.invoke(api_event("GET", "/"))
            base_ready.append(fn.since_start_ms())
            fn.stop()
        row = {"variant": name, "ready_ms": summary(ready), "emulator_init_ms": summary(init),
               "first_registration_ms": summary(first), "baseline_ready_ms": summary(base_ready),
               "ratio_ready_to_baseline": round(statistics.median(ready) / statistics.median(base_ready), 1)}
        log(f"cold start, {name}: ready {row['ready_ms']['median']} ms, first registration "
            f"{row['first_registration_ms']['median']} ms, baseline {row['baseline_ready_ms']['median']} ms")
        results.append(row)
    return results


def train_archives(task):
    """The AOT cache (JDK 25, full JDK) from one training run: start, serve, exit."""
    archives = {"aot": str(WORK / "app-25.aot")}
    fn = Function("train", JDK25, LAMBDA_FLAGS + [f"-XX:AOTCacheOutput={archives['aot']}"], task, QUARKUS_HANDLER,
                  app_config(), WORK / "train.log")
    for _ in range(20):
        rid, token, _ = register(fn)
        upload_url(fn, rid, token)
        get_registration(fn, rid, token)
    fn.stop(signal.SIGTERM)
    for key, path in archives.items():
        if not Path(path).exists():
            raise RuntimeError(f"training did not produce {path}; see {WORK / 'train.log'}")
    return archives


def runtime_load(variants, count):
    """Per runtime, one instance after warm-up: billed p50/p99 of each call, the function's CPU per
    registration over a steady stretch of back-to-back registrations (utime + stime of the runtime
    process, /proc/<pid>/stat), and the process's peak RSS (VmHWM) after it all."""
    archives = {"aot": str(WORK / "app-25.aot")}
    results = []
    for name, jdk, flags, task, _ in variants:
        if any("AOTMode=off" in f for f in flags):
            continue  # the same steady state as with the cache; only its start differs
        flags = [f.format(**archives) for f in flags]
        fn = Function("load", jdk, flags, task, QUARKUS_HANDLER, app_config(), WORK / "load.log")
        rid, token, _ = register(fn)
        for _ in range(max(200, count // 5)):
            r2, t2, _ = register(fn)
            upload_url(fn, r2, t2)
            get_registration(fn, r2, t2)
        for _ in range(2 * count):  # to a steady state: C1 keeps compiling for the first few thousand calls
            register(fn)
        cpu_before, started = fn.cpu_ms(), time.perf_counter()
        before = len(fn.durations())
        for _ in range(count):
            register(fn)
        cpu_per_registration = (fn.cpu_ms() - cpu_before) / count
        registrations_per_s = count / (time.perf_counter() - started)
        row = {"variant": name, "cpu_ms_per_registration": round(cpu_per_registration, 3),
               "registrations_per_s_one_instance": round(registrations_per_s, 1),
               "calls": {"POST /v1/registrations": summary(fn.durations()[before:before + count])}}
        for call, run in (("GET /v1/registrations/{id}", lambda: get_registration(fn, rid, token)),
                          ("POST /v1/registrations/{id}/ktp/upload-url", lambda: upload_url(fn, rid, token))):
            before = len(fn.durations())
            for _ in range(count):
                run()
            row["calls"][call] = summary(fn.durations()[before:before + count])
        row["peak_rss_mb"] = round(fn.peak_rss_mb() or 0, 1)
        fn.stop()
        log(f"load, {name}: {row['cpu_ms_per_registration']} ms CPU per registration, peak RSS "
            f"{row['peak_rss_mb']} MB, registration p50 {row['calls']['POST /v1/registrations']['median']} ms")
        results.append(row)
    return results


# Classes whose first load marks a phase of the start (their uptime in -Xlog:class+load).
STARTUP_MARKS = [
    ("JVM start to the runtime client's main", "com.amazonaws.services.lambda.runtime.api.client.AWSLambda"),
    ("runtime client: native client, Runtime API, handler lookup",
     "io.quarkus.amazon.lambda.runtime.QuarkusStreamHandler"),
    ("Quarkus static init (config, CDI container)", "io.quarkus.runtime.StartupContext"),
    ("Quarkus runtime init to the first Hibernate class", "org.hibernate.reactive.provider.ReactivePersistenceProvider"),
    ("Hibernate Reactive and the rest of Quarkus boot to the S3 client", "software.amazon.awssdk.services.s3.S3Client"),
    ("S3 client and other beans to Quarkus's Lambda HTTP handler class", "io.quarkus.amazon.lambda.http.LambdaHttpHandler"),
]


def startup_breakdown(variants):
    """One instrumented start per runtime (-Xlog:class+load with uptime): when each phase's first
    class loaded, how many classes loaded in each phase, and how many came from the AOT cache
    ("shared objects file") rather than a jar; then the first registration + upload URL."""
    archives = {"aot": str(WORK / "app-25.aot")}
    results = []
    for name, jdk, flags, task, _ in variants:
        flags = [f.format(**archives) for f in flags]
        xlog = WORK / "class-load.log"
        xlog.unlink(missing_ok=True)
        fn = Function("breakdown", jdk, flags + [f"-Xlog:class+load=info:file={xlog}:uptime"], task,
                      QUARKUS_HANDLER, app_config(), WORK / "breakdown.log")
        fn.invoke(api_event("GET", "/q/health/live"))
        ready_ms = fn.since_start_ms()
        rid, token, _ = register(fn)
        upload_url(fn, rid, token)
        first_ms = fn.since_start_ms()
        fn.stop()
        loads = [(float(m.group(1)) * 1000, m.group(2), "shared objects file" in m.group(3))
                 for m in re.finditer(r"^\[([0-9.]+)s\] (\S+) source: (.*)$",
                                      xlog.read_text(errors="replace"), re.M)]
        first_load = {}
        for t, cls, _ in loads:
            first_load.setdefault(cls, t)
        phases, previous = [], 0.0
        for label, cls in sorted((m for m in STARTUP_MARKS if m[1] in first_load), key=lambda m: first_load[m[1]]):
            t = first_load[cls]
            in_phase = [x for x in loads if previous <= x[0] < t]
            phases.append({"phase": label, "until_ms": round(t), "ms": round(t - previous),
                           "classes": len(in_phase), "from_aot_cache": sum(1 for x in in_phase if x[2])})
            previous = t
        rest = [x for x in loads if x[0] >= previous]
        phases.append({"phase": "the rest: Quarkus started, the first events, the first registration + upload URL "
                                "(to the last class loaded)",
                       "until_ms": round(max(x[0] for x in loads)), "ms": round(max(x[0] for x in loads) - previous),
                       "classes": len(rest), "from_aot_cache": sum(1 for x in rest if x[2])})
        if sum(1 for x in loads if x[2]) > len(loads) / 2:
            # With an AOT cache the JVM loads its AOT-linked classes at start, before anything uses
            # them: class loads no longer mark phases, only the totals and Quarkus's own figure count.
            phases = []
        quarkus = re.search(r"started in ([0-9.]+)s", Path(WORK / "breakdown.log").read_text(errors="replace"))
        results.append({"variant": name, "ready_ms": round(ready_ms), "first_registration_ms": round(first_ms),
                        "quarkus_started_in_ms": round(float(quarkus.group(1)) * 1000) if quarkus else None,
                        "classes_loaded": len(loads), "classes_from_aot_cache": sum(1 for x in loads if x[2]),
                        "phases": phases})
        log(f"startup breakdown, {name}: {len(loads)} classes, {results[-1]['classes_from_aot_cache']} from the "
            f"AOT cache; " + "; ".join(f"{p['phase']} {p['ms']} ms" for p in phases))
    return results


INIT_UNTHROTTLED = "init unthrottled, handler throttled"
THROTTLED = "throttled"
UNTHROTTLED = "unthrottled"


def cpu_share(custom, custom_baseline, runs, warm_count, memories=SHARE_MEMORIES_MB, variants=None):
    """The API function's cold start and warm calls at the CPU share Lambda gives each memory size.
    variants: (name, task root, baseline task root, extra JVM flags), measured side by side; by default
    the shipped runtime alone. None when no CPU cgroup can be made here (a warning says why)."""
    cap = CpuCap.create(f"gelombang-bench-{os.getpid()}")
    if not cap:
        return None
    try:
        variants = variants or [("Custom runtime, as shipped", custom, custom_baseline, [])]
        data = {"cgroup": cap.describe(), "mb_per_vcpu": LAMBDA_MB_PER_VCPU, "memories_mb": list(memories),
                "cold_start": cold_starts_at_cpu_share(cap, variants, memories, runs)}
    finally:
        cap.remove()
    data["warm"] = warm_at_cpu_share(cap.path.name, custom, memories, warm_count)
    return data


def cold_starts_at_cpu_share(cap, variants, memories, runs, readings=(THROTTLED, INIT_UNTHROTTLED), unthrottled=True):
    """Process start to ready and to the first registration + upload URL, and the plain-Java baseline,
    for each variant unthrottled and, at each memory size's share, in two readings of init: throttled
    (the instance in the capped cgroup from its first instruction) and init unthrottled with the
    handler throttled (the cap applied when the runtime first asks for an event). The rows are
    interleaved run by run, so that the machine's drift spreads over all of them."""
    rows = []
    for variant in variants:
        if unthrottled:
            rows.append((variant, None, UNTHROTTLED))
        rows += [(variant, mb, reading) for mb in memories for reading in readings]
    keys = ("ready", "first", "baseline", "init", "init_done", "cpu_at_ready", "throttled_periods")
    samples = [{k: [] for k in keys} for _ in rows]
    for run in range(runs):
        for (variant, mb, reading), s in zip(rows, samples):
            name, task, baseline, flags = variant
            share = vcpus(mb) if mb else None
            cpu = CpuShare(cap, None if reading == INIT_UNTHROTTLED else share, share)
            flags = AS_IN_LAMBDA + flags
            memory = mb or MEMORY_MB
            periods = cap.throttled_periods()
            fn = Function("cold", CUSTOM, flags, task, QUARKUS_HANDLER, app_config(), WORK / "share.log", timeout=120,
                          cpu=cpu, memory_mb=memory)
            fn.invoke(api_event("GET", "/q/health/live"))
            s["ready"].append(fn.since_start_ms())
            s["cpu_at_ready"].append(fn.cpu_ms())
            s["init"].append(fn.init_ms() or 0)
            if fn.tap:
                s["init_done"].append((fn.tap.init_done_at - fn.started) * 1000)
            fn.stop()
            fn = Function("cold", CUSTOM, flags, task, QUARKUS_HANDLER, app_config(), WORK / "share.log", timeout=120,
                          cpu=cpu, memory_mb=memory)
            rid, token, _ = register(fn)
            upload_url(fn, rid, token)
            s["first"].append(fn.since_start_ms())
            fn.stop()
            fn = Function("baseline", CUSTOM, flags, baseline, BASELINE_HANDLER, {}, WORK / "share-baseline.log",
                          cpu=cpu, memory_mb=memory)
            fn.invoke(api_event("GET", "/"))
            s["baseline"].append(fn.since_start_ms())
            fn.stop()
            s["throttled_periods"].append(cap.throttled_periods() - periods)
        log(f"cold start at CPU share, run {run + 1} of {runs}: " + "; ".join(
            f"{(mb or 'unthrottled')}{'' if not mb else ' ' + ('T' if reading == THROTTLED else 'I')} "
            f"{round(s['ready'][-1])}/{round(s['first'][-1])}" for (_, mb, reading), s in zip(rows, samples)))
    results = []
    for (variant, mb, reading), s in zip(rows, samples):
        row = {"variant": variant[0], "memory_mb": mb, "vcpus": round(vcpus(mb), 2) if mb else None, "reading": reading,
               "ready_ms": summary(s["ready"]), "first_registration_ms": summary(s["first"]),
               "baseline_ready_ms": summary(s["baseline"]),
               "ratio_ready_to_baseline": round(statistics.median(s["ready"]) / statistics.median(s["baseline"]), 1),
               "emulator_init_ms": summary(s["init"]),
               **({"init_done_ms": summary(s["init_done"])} if s["init_done"] else {}),
               "cpu_at_ready_ms": summary(s["cpu_at_ready"]),
               "throttled_periods": sum(s["throttled_periods"])}
        log(f"cold start, {row['variant']}, {mb or 'unthrottled'} MB {reading if mb else ''}: ready "
            f"{row['ready_ms']['median']} ms, first registration {row['first_registration_ms']['median']} ms, "
            f"baseline {row['baseline_ready_ms']['median']} ms")
        results.append(row)
    return results


def warm_at_cpu_share(cap_name, custom, memories, count, rounds=5):
    """Per memory size, one instance capped at its share from the start (each in a cgroup of its own;
    and one unthrottled), after warm-up: each call's billed duration (Lambda bills each invocation
    rounded up to the millisecond, so the cost model takes the mean of those) and CPU per
    registration. Calls run back to back, as on an instance that is busy all through a wave's
    opening, where throttling bites most; the instances take turns, `rounds` times, so that the
    machine's drift spreads over all of them."""
    caps, instances = [], []
    try:
        for mb in (None, *memories):
            share = vcpus(mb) if mb else None
            cap = CpuCap.create(f"{cap_name}-{mb}") if mb else None
            if mb and not cap:
                continue
            caps += [cap] if cap else []
            fn = Function(f"warm-share-{mb}", CUSTOM, AS_IN_LAMBDA, custom, QUARKUS_HANDLER, app_config(),
                          WORK / f"warm-share-{mb or 'unthrottled'}.log", timeout=120,
                          cpu=CpuShare(cap, share, share) if cap else None, memory_mb=mb or MEMORY_MB)
            rid, token, _ = register(fn)
            for _ in range(max(100, count // 4)):
                r2, t2, _ = register(fn)
                upload_url(fn, r2, t2)
                get_registration(fn, r2, t2)
            for _ in range(count):  # C1 keeps compiling for the first few thousand calls
                register(fn)
            calls = (("POST /v1/registrations", lambda fn=fn: register(fn)),
                     ("GET /v1/registrations/{id}", lambda fn=fn, rid=rid, token=token: get_registration(fn, rid, token)),
                     ("POST /v1/registrations/{id}/ktp/upload-url",
                      lambda fn=fn, rid=rid, token=token: upload_url(fn, rid, token)))
            instances.append((mb, share, fn, calls, {name: [] for name, _ in calls}, []))
        for _ in range(rounds):
            for mb, share, fn, calls, billed, cpu in instances:
                for name, run in calls:
                    before, cpu_before = len(fn.durations()), fn.cpu_ms()
                    for _ in range(count // rounds):
                        run()
                    billed[name] += fn.durations()[before:before + count // rounds]
                    if name == "POST /v1/registrations":
                        cpu.append((fn.cpu_ms() - cpu_before) / (count // rounds))
        results = []
        for mb, share, fn, calls, billed, cpu in instances:
            row = {"memory_mb": mb, "vcpus": round(share, 2) if share else None,
                   "cpu_ms_per_registration": round(statistics.mean(cpu), 3),
                   "calls": {name: {**summary(ms), "billed_mean": round(statistics.mean(-(-x // 1) for x in ms), 2)}
                             for name, ms in billed.items()}}
            reg = row["calls"]["POST /v1/registrations"]
            log(f"warm at CPU share, {mb or 'unthrottled'} MB: registration billed mean {reg['billed_mean']} ms, "
                f"p50 {reg['median']}, p99 {reg['p99']}; {row['cpu_ms_per_registration']} ms CPU per registration")
            results.append(row)
        return results
    finally:
        for _, _, fn, _, _, _ in instances:
            fn.stop()
        for cap in caps:
            cap.remove()


def warm_invocations(task, count):
    """Billed duration of each endpoint after warm-up on the API function's runtime (the custom one),
    and the instance's peak RSS."""
    fn = Function("warm", CUSTOM, [], task, QUARKUS_HANDLER, app_config(), WORK / "warm.log")
    rid, token, _ = register(fn)
    for _ in range(max(300, count // 4)):
        r2, t2, _ = register(fn)
        upload_url(fn, r2, t2)
        get_registration(fn, r2, t2)
    pg("SELECT pg_stat_statements_reset()")
    results = {}
    phases = [("POST /v1/registrations", lambda: register(fn)[2]),
              ("GET /v1/registrations/{id}", lambda: get_registration(fn, rid, token)),
              ("POST /v1/registrations/{id}/ktp/upload-url", lambda: upload_url(fn, rid, token))]
    for name, call in phases:
        before = len(fn.durations())
        client = [call() for _ in range(count)]
        billed = fn.durations()[before:before + count]
        results[name] = {"function_ms": summary(billed), "client_ms": summary(client)}
        if name.startswith("POST /v1/registrations") and "ktp" not in name:
            statements = pg("SELECT coalesce(sum(calls), 0) FROM pg_stat_statements "
                            "WHERE query NOT ILIKE '%pg_stat_statements%'")
            results[name]["statements_per_call"] = round(int(statements) / count, 2)
            results[name]["statements"] = pg(
                "SELECT string_agg(calls || ' x ' || left(regexp_replace(query, '\\s+', ' ', 'g'), 90), E'\\n' "
                "ORDER BY calls DESC) FROM pg_stat_statements WHERE query NOT ILIKE '%pg_stat_statements%'")
            pg("SELECT pg_stat_statements_reset()")
        log(f"warm {name}: function p50 {results[name]['function_ms']['median']} ms, "
            f"p99 {results[name]['function_ms']['p99']} ms")
    results["peak_rss_mb"] = round(fn.peak_rss_mb() or 0, 1)
    fn.stop()
    return results


# The registration as the application sends it: one statement in an implicit transaction.
# The wave's facts are those the application would have validated against (filled in from the table).
PGBENCH_ONE_STATEMENT = """
\\set n random(1, 9000000000000000000)
SELECT outcome FROM register_in_one_statement(
    md5(:n || 'key'), :n, decode(md5(:n || 'request'), 'hex'), now(),
    'BENCH', {id}, '{opens_at}', '{closes_at}', {household_limit}, false,
    gen_random_uuid(), decode(md5(:n || 'nik'), 'hex'), decode(md5(:n || 'kk'), 'hex'), decode(repeat('ab', 190), 'hex'),
    decode(md5(:n || 'token'), 'hex'), decode(md5(:n || 'code'), 'hex'), '/v1/registrations/bench',
    ARRAY[201, 409, 409, 409, 409, 409],
    ARRAY[decode(repeat('cd', 240), 'hex'), decode(repeat('ce', 330), 'hex'), decode(repeat('cf', 250), 'hex'),
          decode(repeat('d0', 230), 'hex'), decode(repeat('d1', 230), 'hex'), decode(repeat('d2', 260), 'hex')],
    decode(md5(:n || 'email'), 'hex'), 3, decode(md5(:n || 'source'), 'hex'), date_trunc('minute', now()), 300);
"""


def pgbench(script, clients, seconds):
    out = subprocess.run(["pgbench", "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", "-n",
                          "-M", "prepared", "-c", str(clients), "-j", str(min(clients, 2)), "-T", str(seconds),
                          "-f", str(script), "gelombang"], capture_output=True, text=True, check=True).stdout
    return {"registrations_per_s": round(float(re.search(r"tps = ([0-9.]+)", out).group(1)), 1),
            "latency_avg_ms": float(re.search(r"latency average = ([0-9.]+) ms", out).group(1))}


def database_ceiling(clients, seconds):
    """The registration SQL alone: the application's one statement against the bench wave."""
    wave = pg(f"SELECT id || '|' || opens_at || '|' || closes_at || '|' || household_limit FROM wave WHERE code = '{WAVE}'")
    wave_id, opens_at, closes_at, household_limit = wave.split("|")
    one = WORK / "registration-one-statement.sql"
    one.write_text(PGBENCH_ONE_STATEMENT.format(id=wave_id, opens_at=opens_at, closes_at=closes_at,
                                                household_limit=household_limit))
    results = {}
    for c in clients:
        results[c] = pgbench(one, c, seconds)
        log(f"database ceiling, {c} connection(s): {results[c]['registrations_per_s']:.0f} registrations/s")
    return results


def one_wave_ceiling(quick):
    """One wave's ceiling (bench/wave_ceiling.py): pgbench of the registration statement into one wave at
    1 to 200 connections, commit latency 0 and 2 ms, beside a control without the place accounting and
    the schema as it was before; then a small wave and clients that keep coming after it is full."""
    ceiling = wave_ceiling.WaveCeiling(PG_PORT, WORK, log)
    points, full_wave = ceiling.run(seconds=4 if quick else 10, small_seconds=10 if quick else 20)
    return {"wave_ceiling": points, "wave_ceiling_full_wave": full_wave}


def fleet(task, sizes, seconds):
    """N instances of the API function's runtime (the custom one), started and warmed one at a time
    (8 JVMs starting at once on 2 cores took one invoke past 60 s), then driven back to back for
    `seconds`. A call slower than 180 s counts as an error of the run instead of ending the bench."""
    results = {}
    for n in sizes:
        functions = []
        for i in range(n):
            fn = Function(f"fleet-{i}", CUSTOM, [], task, QUARKUS_HANDLER, app_config(), WORK / f"fleet-{i}.log",
                          timeout=180)
            functions.append(fn)
            for _ in range(200):
                register(fn)
        latencies = [[] for _ in functions]
        stop_at = time.perf_counter() + seconds
        errors = []

        def drive(i):
            try:
                while time.perf_counter() < stop_at:
                    latencies[i].append(register(functions[i])[2])
            except Exception as e:  # noqa: BLE001 - reported below
                errors.append(repr(e))

        threads = [threading.Thread(target=drive, args=(i,)) for i in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for fn in functions:
            fn.stop()
        total = sum(len(x) for x in latencies)
        if errors and not total:
            raise RuntimeError(f"fleet of {n}: {errors[:3]}")
        all_latencies = [v for x in latencies for v in x]
        results[n] = {"registrations_per_s": round(total / seconds, 1), "latency_ms": summary(all_latencies),
                      "errors": errors[:3], "instances_with_errors": len(errors)}
        if errors:
            log(f"fleet of {n}: {len(errors)} instance(s) stopped on an error: {errors[:1]}")
        log(f"fleet of {n}: {total / seconds:.0f} registrations/s, p99 {results[n]['latency_ms']['p99']} ms")
    return results


def presign_cost(task):
    classpath = f"{task}:{task / 'lib'}/*"
    out = subprocess.run([f"{JDK17}/bin/java", "-XX:TieredStopAtLevel=1", "-cp", classpath,
                          str(ROOT / "bench" / "presign" / "PresignBench.java")],
                         capture_output=True, text=True, check=True).stdout
    tiered_c1 = json.loads(out.strip().splitlines()[-1])
    out = subprocess.run([f"{JDK17}/bin/java", "-cp", classpath,
                          str(ROOT / "bench" / "presign" / "PresignBench.java")],
                         capture_output=True, text=True, check=True).stdout
    default = json.loads(out.strip().splitlines()[-1])
    log(f"presign: S3Presigner {tiered_c1['presignPutMicros']} us, UploadUrlSigner {tiered_c1['uploadUrlSignerMicros']} us, "
        f"bare SigV4 {tiered_c1['bareSigV4Micros']} us (C1)")
    return {"TieredStopAtLevel=1": tiered_c1, "default flags": default}


# ----------------------------------------------------------------------------- the draw of a wave

# The statements the application runs (WaveDrawStatement reads the same files); only their named
# parameters are replaced by literals here, and their comment lines dropped as the application does.
# The ranking (locks no registration), then one batch of verdicts at a time, each its own transaction.
DRAW_SQL = ROOT / "src" / "main" / "resources" / "db" / "draw" / "draw.sql"
VERDICTS_SQL = ROOT / "src" / "main" / "resources" / "db" / "draw" / "verdicts.sql"
# The outcome notices each batch queues (OutcomeNotices), and the statement that makes them due once
# the draw is published.
NOTICES_SQL = ROOT / "src" / "main" / "resources" / "db" / "notices" / "draw-batch.sql"
NOTICES_DUE_SQL = ROOT / "src" / "main" / "resources" / "db" / "notices" / "draw-published.sql"
DRAW_BATCH = 5000  # DrawConfig.batchSize's default
# WaveDrawStatement.holdReleases and countRanks, as the publication runs them with releases held.
DRAW_LOCK_CLASS = 0x44524157
DRAW_COUNT_SQL = ("SELECT count(*), count(*) FILTER (WHERE selected), "
                  "max(encode(digest, 'hex') COLLATE \"C\") FILTER (WHERE selected) FROM draw_rank WHERE wave_id = {wave}")
# The control: the same draw as one set-based UPDATE in one transaction (the draw before
# db/draw/verdicts.sql existed), which holds every eligible registration's row until it commits.
ONE_STATEMENT_DRAW = """
WITH eligible AS (
    SELECT id, sha256(CAST(:seed AS bytea) || convert_to(CAST(id AS text), 'UTF8')) AS digest
    FROM registration
    WHERE wave_id = CAST(:waveId AS bigint)
      AND released_at IS NULL AND status NOT IN ('REJECTED', 'WITHDRAWN')
      AND (nik_verification = 'VERIFIED' OR NOT CAST(:requireVerified AS boolean))),
ranked AS (
    SELECT id, encode(digest, 'hex') AS rank,
           CASE WHEN row_number() OVER (ORDER BY digest, id) <= CAST(:quota AS integer)
                THEN 'SELECTED' ELSE 'NOT_SELECTED' END AS verdict
    FROM eligible),
drawn AS (
    UPDATE registration r
    SET selection_rank = ranked.rank, selection_status = ranked.verdict, status = ranked.verdict,
        updated_at = CAST(:now AS timestamptz)
    FROM ranked
    WHERE r.id = ranked.id AND r.released_at IS NULL AND r.status NOT IN ('REJECTED', 'WITHDRAWN')
    RETURNING r.selection_status, r.selection_rank)
SELECT count(*) AS eligible, count(*) FILTER (WHERE selection_status = 'SELECTED') AS selected,
       max(selection_rank) FILTER (WHERE selection_status = 'SELECTED') AS highest_selected_rank FROM drawn"""
# The control's notices: the whole draw's in one statement, in its one transaction.
ONE_STATEMENT_NOTICES = """
INSERT INTO verification_job (registration_id, kind, run_after, created_at)
SELECT r.id, 'OUTCOME_NOTICE', CAST(:now AS timestamptz), CAST(:now AS timestamptz)
FROM registration r
WHERE r.wave_id = CAST(:waveId AS bigint) AND r.selection_rank IS NOT NULL AND r.released_at IS NULL
  AND (r.selection_status = 'SELECTED' OR CAST(:notifyNotSelected AS boolean))
ON CONFLICT (registration_id, kind) WHERE state IN ('PENDING', 'RUNNING')
DO UPDATE SET revision = verification_job.revision + 1"""
DRAW_DB = "gelombang_draw"
DRAW_ROWS = int(os.environ.get("BENCH_DRAW_ROWS", 1_000_000))  # smaller only to try the harness
DRAW_QUOTA = 200_000  # wave 1 of April 2020 selected 200,000
# Closer to Aurora: its storage layer needs no full-page images in the log, and an instance of a few
# ACUs caches far more than 256 MB. Only for the draw-only comparison; the main bench keeps its settings.
AURORA_LIKE = "-c shared_buffers=4GB -c full_page_writes=off -c max_wal_size=20GB -c work_mem=64MB"
LIFTED = "SELECT set_config('statement_timeout', '600000', true), set_config('lock_timeout', '600000', true);\n"
# A batch of verdicts as WaveDraw runs one: the limits lifted, and WaveDrawStatement.readByKeyOnly's
# settings (the ranks and the registrations reached by key only), in the one statement. (psql sends
# each batch as a new statement, planned with its values; the application sets plan_cache_mode.)
BATCH_SETTINGS = ("SELECT set_config('statement_timeout', '600000', true), set_config('lock_timeout', '600000', true), "
                  "set_config('enable_seqscan', 'off', true), set_config('enable_bitmapscan', 'off', true);\n")


def draw_statement(params, path=DRAW_SQL, text=None):
    if text is None:
        text = "\n".join(line for line in path.read_text().splitlines() if not line.strip().startswith("--"))
    used = set()

    def literal(match):
        used.add(match.group(1))
        return params[match.group(1)]

    sql = re.sub(r"(?<![:\w]):([A-Za-z]\w*)", literal, text)
    if used != set(params):
        raise RuntimeError(f"{path.name} parameters {sorted(used)} differ from the bench's {sorted(params)}")
    return sql


def psql_timed(script, db):
    """Runs a psql script with \\timing; returns (output lines, statement times in ms in order)."""
    out = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", "-d", db, "-At",
                          "-v", "ON_ERROR_STOP=1"], input="\\timing on\n" + script, check=True, capture_output=True,
                         text=True).stdout.splitlines()
    times = [float(m.group(1)) for line in out for m in [re.match(r"Time: ([0-9.]+) ms", line)] if m]
    return [line for line in out if not line.startswith("Time:") and line.strip() and line != "Timing is on."], times


def insert_draw_wave(code, rows, quota):
    """A closed draw wave of `rows` registrations at the width the application writes them; its id."""
    wave_id = pg("INSERT INTO wave (code, opens_at, closes_at, quota, selection) "
                 f"VALUES ('{code}', '2026-04-11T00:00:00Z', '2026-04-16T00:00:00Z', {quota}, 'DRAW') "
                 "RETURNING id", db=DRAW_DB).splitlines()[0]
    # Every 33rd NIK was rejected by the registry (released), 5 in 9 verified, the rest pending; 4 in 5
    # uploaded their KTP photo; personal_data is as long as the application's ciphertext (~190 bytes).
    pg(f"""INSERT INTO registration (id, wave_id, wave_code, nik_digest, kk_digest, personal_data, token_digest,
               status, email_verified, nik_verification, nik_reason, ktp_status, ktp_content_type, ktp_content_length,
               ktp_checksum, ktp_object_key, released_at, created_at, updated_at)
           SELECT gen_random_uuid(), {wave_id}, '{code}', sha256(convert_to('{code}nik' || g, 'UTF8')),
                  sha256(convert_to('{code}kk' || (g / 2), 'UTF8')), decode(repeat(md5(g::text), 12), 'hex'),
                  sha256(convert_to('{code}token' || g, 'UTF8')),
                  CASE WHEN g % 33 = 0 THEN 'REJECTED' ELSE 'REGISTERED' END, g % 4 <> 0,
                  CASE WHEN g % 33 = 0 THEN 'REJECTED' WHEN g % 9 < 5 THEN 'VERIFIED' ELSE 'PENDING' END,
                  CASE WHEN g % 33 = 0 THEN 'NIK_DATA_MISMATCH' END,
                  CASE WHEN g % 5 = 0 THEN 'MISSING' ELSE 'RECEIVED' END,
                  CASE WHEN g % 5 <> 0 THEN 'image/jpeg' END, CASE WHEN g % 5 <> 0 THEN 100000 + g % 900000 END,
                  CASE WHEN g % 5 <> 0 THEN encode(sha256(convert_to('photo' || g, 'UTF8')), 'base64') END,
                  CASE WHEN g % 5 <> 0 THEN 'ktp/' || gen_random_uuid() END,
                  CASE WHEN g % 33 = 0 THEN timestamptz '2026-04-12T00:00:00Z' END,
                  timestamptz '2026-04-11T00:00:00Z' + g * interval '400 ms',
                  timestamptz '2026-04-11T00:00:00Z' + g * interval '400 ms'
           FROM generate_series(1, {rows}) g""", db=DRAW_DB)
    return wave_id


def check_draw(wave_id, seed, eligible, selected, rows, quota):
    """The outcome is the draw the contract describes: quota selected, the lowest ranks, ranks recomputable."""
    expected_eligible = rows - rows // 33
    if eligible != expected_eligible or selected != quota:
        raise RuntimeError(f"draw answered eligible {eligible}, selected {selected}; expected {expected_eligible}, {quota}")
    highest_selected, lowest_not = pg(
        "SELECT max(selection_rank COLLATE \"C\") FILTER (WHERE selection_status = 'SELECTED'), "
        "min(selection_rank COLLATE \"C\") FILTER (WHERE selection_status = 'NOT_SELECTED') "
        f"FROM registration WHERE wave_id = {wave_id}", db=DRAW_DB).split("|")
    if not highest_selected < lowest_not:
        raise RuntimeError("a NOT_SELECTED rank is lower than a SELECTED one")
    counted = pg(f"SELECT count(*) FILTER (WHERE selection_status = 'SELECTED'), count(selection_status) "
                 f"FROM registration WHERE wave_id = {wave_id}", db=DRAW_DB)
    if counted != f"{selected}|{eligible}":
        raise RuntimeError(f"the registrations hold {counted} (selected|drawn), the draw {selected}|{eligible}")
    for line in pg("SELECT id, selection_rank FROM registration TABLESAMPLE SYSTEM (1) "
                   f"WHERE wave_id = {wave_id} AND selection_rank IS NOT NULL LIMIT 1000", db=DRAW_DB).splitlines():
        rid, rank = line.split("|")
        if hashlib.sha256(seed + rid.encode()).hexdigest() != rank:
            raise RuntimeError(f"rank of {rid} does not recompute")


def draw_bench(rows=DRAW_ROWS, quota=min(DRAW_QUOTA, DRAW_ROWS // 5)):
    """Two draw waves of `rows` registrations each, inserted with SQL at the width the application
    writes them. One is drawn as WaveDraw draws (the ranking, the verdicts in batches of their own
    transactions, the publication); the other, the control, by the same draw in one statement and one
    transaction, which holds every drawn registration's row until it commits."""
    pg(f"DROP DATABASE IF EXISTS {DRAW_DB}", db="postgres")
    pg(f"CREATE DATABASE {DRAW_DB}", db="postgres")
    for script in wave_ceiling.migration_scripts():
        subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", "-d", DRAW_DB, "-q",
                        "-v", "ON_ERROR_STOP=1", "-f", str(script)], check=True, capture_output=True)
    log(f"draw: inserting 2 waves of {rows:,} registrations")
    t0 = time.perf_counter()
    wave_id = insert_draw_wave("DRAW-BENCH", rows, quota)
    insert_s = time.perf_counter() - t0
    control_id = insert_draw_wave("DRAW-CONTROL", rows, quota)
    pg("VACUUM ANALYZE registration", db=DRAW_DB)
    pg("CHECKPOINT", db=DRAW_DB)
    table_mb = int(pg("SELECT pg_total_relation_size('registration')", db=DRAW_DB)) / 2**20 / 2
    now = "'2026-04-16T01:00:00Z'"

    # As WaveDraw: the ranking with the wave's row locked (no registration's), then the batches.
    seed = os.urandom(32)
    log(f"draw: ranking {rows:,} registrations")
    rank_sql = draw_statement({"seed": f"decode('{seed.hex()}', 'hex')", "waveId": wave_id, "quota": str(quota),
                               "requireVerified": "false"})
    _, times = psql_timed(
        "BEGIN;\n" + LIFTED + f"DELETE FROM draw_rank WHERE wave_id = {wave_id};\n{rank_sql};\n"
        f"UPDATE wave SET draw_call = gen_random_uuid(), draw_running_until = now() + interval '30 seconds' WHERE id = {wave_id};\n"
        "COMMIT;\n", DRAW_DB)
    ranking_s = sum(times) / 1000
    log(f"draw: writing the verdicts in batches of {DRAW_BATCH:,}")
    published_by = "'2026-04-16T01:13:00Z'"  # the draw's time limit and its commit margin (WaveDraw.publishedBy)
    uuid = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
    after, batch_s, notices_s, lease_s = "00000000-0000-0000-0000-000000000000", [], 0.0, 0.0
    while True:
        sql = draw_statement({"waveId": wave_id, "after": f"'{after}'", "batchSize": str(DRAW_BATCH), "now": now},
                             VERDICTS_SQL)
        # The batch's notices, in its transaction, for the range it covered (psql keeps its last id).
        notices = draw_statement({"waveId": wave_id, "after": f"'{after}'", "last": ":'last'", "notifyNotSelected": "false",
                                  "publishedBy": published_by, "now": now}, NOTICES_SQL)
        # As WaveDraw: the lease renewed in its own transaction, then the batch, which renews it again
        # (the fence) and keeps the wave's row until it commits.
        renew = f"UPDATE wave SET draw_running_until = now() + interval '30 seconds' WHERE id = {wave_id} AND drawn_at IS NULL"
        lines, times = psql_timed(f"BEGIN;\n{renew};\nCOMMIT;\nBEGIN;\n" + BATCH_SETTINGS + f"{renew};\n"
                                  f"{sql} \\gset\n\\if :{{?last}}\n\\echo :last\n{notices};\n\\endif\nCOMMIT;\n", DRAW_DB)
        last = [line for line in lines if uuid.fullmatch(line)]
        if not last:
            break
        lease_s += (times[1] + times[2]) / 1000
        batch_s.append((times[5] + times[6] + times[7] + times[8]) / 1000)  # the fence, the verdicts, their notices, the commit
        notices_s += times[7] / 1000
        after = last[-1]
    verdicts_s = sum(batch_s) + lease_s
    # The publication: with releases held the count, the wave marked drawn; then the notices made due.
    lines, times = psql_timed(
        "BEGIN;\n" + LIFTED + f"SELECT id FROM wave WHERE id = {wave_id} FOR NO KEY UPDATE;\n"
        f"DELETE FROM draw_withdrawal WHERE wave_id = {wave_id};\n"
        f"SELECT count(*) FROM (SELECT pg_advisory_xact_lock({DRAW_LOCK_CLASS}, {wave_id})) AS held;\n"
        + DRAW_COUNT_SQL.format(wave=wave_id) + ";\n"
        f"UPDATE wave SET drawn_at = now(), draw_running_until = NULL, draw_call = NULL WHERE id = {wave_id};\nCOMMIT;\n", DRAW_DB)
    held_s = sum(times[4:]) / 1000
    publication_s = sum(times) / 1000
    counts = [line for line in lines if re.fullmatch(r"\d+\|\d+\|[0-9a-f]*", line)][-1]
    eligible, selected = (int(v) for v in counts.split("|")[:2])
    due = draw_statement({"waveId": wave_id, "publishedBy": published_by, "now": now}, NOTICES_DUE_SQL)
    _, times = psql_timed("BEGIN;\n" + LIFTED + f"{due};\nCOMMIT;\n", DRAW_DB)
    notices_due_s = sum(times) / 1000
    _, times = psql_timed(f"DELETE FROM draw_rank WHERE wave_id = {wave_id};\n", DRAW_DB)
    forget_s = times[0] / 1000
    check_draw(wave_id, seed, eligible, selected, rows, quota)
    queued = int(pg(f"SELECT count(*) FROM verification_job j JOIN registration r ON r.id = j.registration_id "
                    f"WHERE r.wave_id = {wave_id} AND j.kind = 'OUTCOME_NOTICE'", db=DRAW_DB))
    if queued != selected:
        raise RuntimeError(f"{queued} outcome notices queued for {selected} selected")
    total_s = ranking_s + verdicts_s + publication_s + notices_due_s + forget_s

    # The control: the same draw in one statement and one transaction (it holds every row until COMMIT).
    log(f"draw: the control, one statement over {rows:,} registrations")
    control_seed = os.urandom(32)
    control_sql = draw_statement({"seed": f"decode('{control_seed.hex()}', 'hex')", "waveId": control_id,
                                  "quota": str(quota), "requireVerified": "false", "now": now},
                                 text=ONE_STATEMENT_DRAW)
    control_notices = draw_statement({"waveId": control_id, "notifyNotSelected": "false", "now": now},
                                     text=ONE_STATEMENT_NOTICES)
    lines, times = psql_timed(
        "BEGIN;\n" + LIFTED + f"SELECT id FROM wave WHERE id = {control_id} FOR NO KEY UPDATE;\n"
        f"{control_sql};\n{control_notices};\nUPDATE wave SET drawn_at = now() WHERE id = {control_id};\nCOMMIT;\n", DRAW_DB)
    control_statement_s, control_s = times[3] / 1000, sum(times) / 1000
    counts = [line for line in lines if re.fullmatch(r"\d+\|\d+\|[0-9a-f]*", line)][-1]
    check_draw(control_id, control_seed, *(int(v) for v in counts.split("|")[:2]), rows, quota)

    result = {"rows": rows, "eligible": eligible, "selected": selected, "quota": quota,
              "insert_s": round(insert_s, 1), "table_mb": round(table_mb),
              "ranking_s": round(ranking_s, 2), "batch_size": DRAW_BATCH, "batches": len(batch_s),
              "verdicts_s": round(verdicts_s, 2), "lease_s": round(lease_s, 2), "longest_batch_s": round(max(batch_s), 3),
              "median_batch_s": round(sorted(batch_s)[len(batch_s) // 2], 3),
              "notices_s": round(notices_s, 2), "notices": queued, "notices_due_s": round(notices_due_s, 2),
              "releases_held_s": round(held_s, 3),
              "publication_s": round(publication_s, 2), "forget_ranks_s": round(forget_s, 2),
              "draw_s": round(total_s, 2), "rows_per_s": round(eligible / total_s),
              "control_statement_s": round(control_statement_s, 2), "control_transaction_s": round(control_s, 2)}
    log(f"draw: {eligible:,} eligible, {selected:,} selected in {result['draw_s']} s; no row held longer than "
        f"{result['longest_batch_s']} s (the control holds them all for {result['control_transaction_s']} s)")
    pg(f"DROP DATABASE {DRAW_DB}", db="postgres")
    return result


def draw_report_lines(d):
    return [f"## The draw of a wave ({d['rows']:,} registrations, quota {d['quota']:,})", "",
            "| Eligible | Selected | Ranking, s | Verdicts (batches of " f"{d['batch_size']:,}), s | Longest batch, s | "
            "Publication, s (of it with releases held) | Whole draw, s | Control: one transaction, s (its statement) | Table size, MB |",
            "|---|---|---|---|---|---|---|---|---|",
            f"| {d['eligible']:,} | {d['selected']:,} | {d['ranking_s']} | {d['verdicts_s']} ({d['batches']}) | "
            f"{d['longest_batch_s']} | {d['publication_s']} ({d['releases_held_s']}) | {d['draw_s']} | "
            f"{d['control_transaction_s']} ({d['control_statement_s']}) | {d['table_mb']} |", "",
            "The draw is WaveDraw's, with the files the application runs and literals for their parameters: "
            "the ranking `src/main/resources/db/draw/draw.sql` (its own transaction; it locks no registration), "
            "then `db/draw/verdicts.sql` batch after batch (each after the call's lease is renewed in a transaction of its "
            f"own, {d.get('lease_s', 0)} s in all, counted in the verdicts' time), with WaveDrawStatement.readByKeyOnly's "
            "settings, each its own transaction with the outcome notices of "
            f"its selected from `db/notices/draw-batch.sql` ({d['notices_s']} s of the batches' time; a registration's "
            "row is held by the draw for one batch at most: the longest batch), then the publication (with releases "
            "held, the count of the ranks and the wave marked drawn), then the notices made due "
            f"(`db/notices/draw-published.sql`, {d.get('notices_due_s', 0)} s) and the ranks deleted "
            f"({d['forget_ranks_s']} s), both counted in the whole draw. "
            "The control, in the same run, is the same draw of a second wave of the same rows as one set-based "
            "UPDATE and the notices in one transaction, which holds every drawn registration's row until it commits. "
            f"Rows are inserted with SQL at the application's width (every 33rd rejected and released, 5 in 9 NIKs "
            f"verified); inserting one wave took {d['insert_s']} s. The bench checks both outcomes: exactly the quota "
            "selected, every SELECTED rank below every NOT_SELECTED one, the registrations' verdicts counted, and "
            "1,000 sampled ranks recomputed in Python from the seed and the id."]


def write_draw_report(data):
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "draw.json").write_text(json.dumps(data, indent=2) + "\n")
    m = data["machine"]
    lines = [f"# Draw benchmark ({data['date']})", "",
             f"Machine: {m['cores']} cores ({m['cpu']}), {m['memory_gb']} GiB; {data['postgres']} "
             "(shared_buffers 256 MB, other settings default). Produced by `bench/run --draw-only`. Shared, noisy "
             "machine.", ""] + draw_report_lines(data["draw"])
    if "draw_aurora_like" in data:
        lines += ["", "### The same with storage settings closer to Aurora", "",
                  f"`{AURORA_LIKE}` (Aurora writes no full-page images and caches more than 256 MB):", ""]
        lines += draw_report_lines(data["draw_aurora_like"])[2:5]
    (RESULTS / "draw.md").write_text("\n".join(lines) + "\n")


# ----------------------------------------------------------------------------- cost model

# US East (N. Virginia) public list prices as published by AWS (the reference region of AWS's own
# examples); Jakarta (ap-southeast-3) lists higher prices for most of these, multiply accordingly.
# One line per price: USD, unit, the day it was recorded from the AWS pricing page named, and notes.
# Not re-read by the bench (no network here): update a line and its date when AWS changes a price.
PRICE_LIST = {
    "lambda_per_gb_second": (0.0000166667, "GB-second, x86_64, first 6 billion a month", "2026-11-30",
                             "aws.amazon.com/lambda/pricing; INIT is billed like an invocation (custom runtimes "
                             "always, managed runtimes since 2025-08-01)"),
    "lambda_per_million_requests": (0.20, "million requests", "2026-11-30", "aws.amazon.com/lambda/pricing"),
    "http_api_per_million_requests": (1.00, "million requests, first 300 million a month", "2026-11-30",
                                      "aws.amazon.com/api-gateway/pricing"),
    "s3_put_per_1000": (0.005, "1,000 PUT, COPY, POST or LIST requests, S3 Standard", "2026-11-30",
                        "aws.amazon.com/s3/pricing"),
    "s3_get_per_1000": (0.0004, "1,000 GET requests, S3 Standard", "2026-11-30", "aws.amazon.com/s3/pricing"),
    "aurora_serverless_v2_per_acu_hour": (0.12, "ACU-hour, Aurora PostgreSQL Standard", "2026-11-30",
                                          "aws.amazon.com/rds/aurora/pricing"),
    "aurora_storage_per_gb_month": (0.10, "GB-month, Aurora Standard", "2026-11-30",
                                    "aws.amazon.com/rds/aurora/pricing"),
    "secrets_manager_per_secret_month": (0.40, "secret-month", "2026-11-30", "aws.amazon.com/secrets-manager/pricing"),
    "ses_per_1000_emails": (0.10, "1,000 outbound emails", "2026-11-30", "aws.amazon.com/ses/pricing"),
    "nat_gateway_per_hour": (0.045, "NAT gateway-hour (data processed extra)", "2026-11-30",
                             "aws.amazon.com/vpc/pricing"),
    "cloudwatch_alarm_metric_month": (0.10, "standard-resolution alarm metric-month (a metric-math alarm pays for "
                                      "each metric it reads)", "2026-12-06", "aws.amazon.com/cloudwatch/pricing"),
    "cloudwatch_dashboard_month": (3.00, "dashboard-month", "2026-12-06", "aws.amazon.com/cloudwatch/pricing; the "
                                   "account's first 3 dashboards (up to 50 metrics each) are in the free tier"),
    "cloudwatch_custom_metric_month": (0.30, "custom metric-month, first 10,000, prorated by the hour and billed only "
                                       "in hours the metric is published", "2026-12-06", "aws.amazon.com/cloudwatch/pricing"),
    "lambda_provisioned_concurrency_per_gb_second": (0.0000041667, "GB-second of provisioned concurrency kept, x86_64 "
                                                     "(its invocations' duration is billed at a lower rate, not "
                                                     "counted here)", "2026-12-06", "aws.amazon.com/lambda/pricing"),
    "sns_topic_month": (0.0, "topic (email notifications: first 1,000 a month free)", "2026-12-06",
                        "aws.amazon.com/sns/pricing"),
    # The optional edge (Edge=CloudFront, infra/edge-waf.yaml). CloudFront bills where the viewers are:
    # the column "Hong Kong, Indonesia, Philippines, Singapore, South Korea, Taiwan, Thailand, Malaysia
    # and Vietnam". WAF prices are the same in every region.
    "cloudfront_https_per_10000": (0.0120, "10,000 HTTPS requests, viewers in Indonesia's price column (the first "
                                   "10,000,000 a month are free)", "2026-12-06", "aws.amazon.com/cloudfront/pricing"),
    "cloudfront_transfer_out_per_gb": (0.120, "GB to viewers in Indonesia's price column, first 10 TB a month (the "
                                       "first 1 TB a month is free)", "2026-12-06", "aws.amazon.com/cloudfront/pricing"),
    "waf_web_acl_month": (5.00, "web ACL-month, prorated by the hour", "2026-12-06", "aws.amazon.com/waf/pricing"),
    "waf_rule_month": (1.00, "rule-month in a web ACL (a managed rule group counts as one), prorated by the hour",
                       "2026-12-06", "aws.amazon.com/waf/pricing"),
    "waf_per_million_requests": (0.60, "million requests the web ACL inspects", "2026-12-06", "aws.amazon.com/waf/pricing"),
    "waf_bot_control_month": (10.00, "Bot Control subscription-month, common level", "2026-12-06",
                              "aws.amazon.com/waf/pricing"),
    "waf_bot_control_per_million": (1.00, "million requests Bot Control (common) inspects, beyond the first 10 million "
                                    "a month", "2026-12-06", "aws.amazon.com/waf/pricing"),
}
PRICES = {"region": "us-east-1 (list prices; ap-southeast-3 is higher)",
          **{name: line[0] for name, line in PRICE_LIST.items()}}
# Cold starts per million registrants, for the billed INIT: one new instance per 1,000 registrations
# is far more than a wave needs (an instance serves 100+ a second for as long as the wave is busy),
# so this overstates the init's share.
COLD_STARTS_PER_MILLION = 1000
WORKER_MEMORY_MB = 512
WORKER_DRAIN_S = 55  # of every minute, as the template's schedules run the email and NIK workers
SECRETS = 6
# The rush window's example (docs/wave-runbook.md, "The opening minute"): instances kept initialised
# and Aurora's floor, per hour of the window.
RUSH_PROVISIONED_INSTANCES = 100
RUSH_AURORA_FLOOR_ACU = 8
# The edge's web ACL as infra/edge-waf.yaml deploys it by default: the IP reputation group and two
# rate-based rules; Bot Control adds a fourth rule and its subscription. Responses through the edge
# are small JSON bodies: about 1 KiB each with their headers.
EDGE_WAF_RULES = 3
EDGE_RESPONSE_KIB = 1
# Metrics the application publishes while it runs (common.observability.Metrics): Shed by function
# and by each of its nine reasons, LockTimeouts, UploadEventFailures, AotCacheRejected, and three
# verification metrics for each of the two workers.
APPLICATION_METRICS_WHILE_RUNNING = 1 + 9 + 3 + 2 * 3


def template_alarm_metrics(template=Path(__file__).resolve().parent.parent / "infra" / "template.yaml"):
    """The alarms in infra/template.yaml and the metrics they read (a metric-math alarm reads several):
    read from the template, so the idle cost follows it. Conditional dashboards are priced apart."""
    alarms, metrics, block = 0, 0, None
    for line in template.read_text().splitlines() + ["  End:"]:
        if re.match(r"^  [A-Za-z0-9]+:\s*$", line):
            if block and "Type: AWS::CloudWatch::Alarm" in block:
                alarms += 1
                metrics += max(1, block.count("MetricStat:"))
            block = ""
        elif block is not None:
            block += line + "\n"
    return alarms, metrics


# A wave like Kartu Prakerja's first (April 2020): 1.4 million registrants in a weekend.
WAVE_REGISTRANTS = 1_400_000
# The API function's start goals, at the deployed memory, in the throttled reading.
READY_GOAL_MS, FIRST_REGISTRATION_GOAL_MS = 1000, 1200


def throttled_start(cpu_share_data, memory_mb):
    """The shipped runtime's cold-start row at memory_mb's CPU share, throttled from the start, if measured."""
    rows = (cpu_share_data or {}).get("cold_start", [])
    return next((r for r in rows if r["memory_mb"] == memory_mb and r["reading"] == THROTTLED
                 and r["variant"] == rows[0]["variant"]), None)


def memory_costs(cpu_share_data):
    """Per memory size measured: the API function's Lambda bill for a wave's registrants (each call's
    mean billed duration at that size's CPU share x its GB x the price per GB-second, plus the billed
    INIT of its cold starts), beside its throttled start and whether that meets the start goals."""
    rows = []
    for w in cpu_share_data["warm"]:
        mb = w["memory_mb"]
        cold = throttled_start(cpu_share_data, mb)
        if not mb or not cold:
            continue
        c = w["calls"]
        reg, get, url = (c[k]["billed_mean"] for k in ("POST /v1/registrations", "GET /v1/registrations/{id}",
                                                       "POST /v1/registrations/{id}/ktp/upload-url"))
        # The API function's six calls per registrant, priced as in cost_model (the upload event is the
        # upload worker's): waves/current and two status reads as a status read, confirm as a
        # registration + 60 ms of S3, email verify as a registration.
        ms = get + reg + url + (reg + 60) + reg + 2 * get
        gb = mb / 1024
        cold_starts = COLD_STARTS_PER_MILLION * WAVE_REGISTRANTS / 1e6
        duration_usd = WAVE_REGISTRANTS * ms / 1000 * gb * PRICES["lambda_per_gb_second"]
        init_usd = cold_starts * cold["emulator_init_ms"]["median"] / 1000 * gb * PRICES["lambda_per_gb_second"]
        rows.append({"memory_mb": mb, "vcpus": w["vcpus"], "billed_ms_per_registrant": round(ms, 1),
                     "registration_billed_mean_ms": reg, "cpu_ms_per_registration": w["cpu_ms_per_registration"],
                     "duration_usd_per_wave": round(duration_usd, 2), "init_usd_per_wave": round(init_usd, 2),
                     "lambda_usd_per_wave": round(duration_usd + init_usd, 2),
                     "ready_ms": cold["ready_ms"]["median"],
                     "first_registration_ms": cold["first_registration_ms"]["median"],
                     "meets_start_goals": cold["ready_ms"]["median"] <= READY_GOAL_MS
                     and cold["first_registration_ms"]["median"] <= FIRST_REGISTRATION_GOAL_MS})
    meeting = [r["memory_mb"] for r in rows if r["meets_start_goals"]]
    return {"wave_registrants": WAVE_REGISTRANTS, "cold_starts_per_wave": round(COLD_STARTS_PER_MILLION * WAVE_REGISTRANTS / 1e6),
            "rows": rows, "smallest_meeting_start_goals_mb": min(meeting) if meeting else None}


def cost_model(warm, ceiling, fleet_results, cold_start=None, cpu_share_data=None):
    reg = warm["POST /v1/registrations"]["function_ms"]["median"]
    get = warm["GET /v1/registrations/{id}"]["function_ms"]["median"]
    url = warm["POST /v1/registrations/{id}/ktp/upload-url"]["function_ms"]["median"]
    # A registrant's calls: waves/current, registration, upload-url, confirm, email verify, two status
    # reads. waves/current is priced like a status read; confirm (not benchmarked: it reads the photo
    # from S3) is assumed to cost a registration plus 60 ms of S3 round trips, and so is the upload
    # event the upload worker gets for the same photo; email verify is priced like a registration.
    confirm = reg + 60
    invocations = {"GET /v1/waves/current": get, "POST /v1/registrations": reg,
                   "POST .../ktp/upload-url": url, "POST .../ktp/confirm (estimated)": confirm,
                   "upload event, upload worker (estimated)": confirm,
                   "POST .../email/verify (estimated)": reg, "GET /v1/registrations/{id} x2": 2 * get}
    billed_ms = sum(max(1, round(ms)) for ms in invocations.values())
    api_calls = 7
    invocation_count = 8
    gb = MEMORY_MB / 1024
    per_million = {
        "lambda_duration": billed_ms / 1000 * gb * PRICES["lambda_per_gb_second"] * 1e6,
        "lambda_requests": invocation_count * PRICES["lambda_per_million_requests"],
        "http_api_requests": api_calls * PRICES["http_api_per_million_requests"],
        # one email code each (resends not counted)
        "ses_emails": 1e6 / 1000 * PRICES["ses_per_1000_emails"],
        # one presigned PUT by the registrant, the confirm's GET, COPY (a PUT-class request) and DELETE (free)
        "s3_requests": 1e6 * (2 * PRICES["s3_put_per_1000"] + PRICES["s3_get_per_1000"]) / 1000,
    }
    # INIT of the instances a wave starts, at the shipped runtime's median time to ready.
    # At the deployed memory's CPU share, throttled, when measured (Lambda bills the Init Duration).
    shipped = next((row for row in cold_start or [] if row["variant"].startswith("Custom runtime (provided")), None)
    throttled = throttled_start(cpu_share_data, MEMORY_MB)
    init_ms = (throttled["emulator_init_ms"]["median"] if throttled
               else shipped["emulator_init_ms"]["median"] if shipped else None)
    if init_ms:
        per_million["lambda_init"] = COLD_STARTS_PER_MILLION * init_ms / 1000 * gb * PRICES["lambda_per_gb_second"]
    # Database: ACU-hours while a wave of a million registrants is served at the measured fleet rate
    # (8 instances); assume 8 ACU during that time.
    best_rate = max(v["registrations_per_s"] for v in fleet_results.values())
    hours = 1e6 / best_rate / 3600
    per_million["aurora_acu_hours"] = hours * 8 * PRICES["aurora_serverless_v2_per_acu_hour"]
    total = sum(per_million.values())
    alarms, alarm_metrics = template_alarm_metrics()
    idle = {"aurora_storage_10gb": 10 * PRICES["aurora_storage_per_gb_month"],
            f"secrets_manager_{SECRETS}": SECRETS * PRICES["secrets_manager_per_secret_month"],
            f"cloudwatch_alarms_{alarms}_reading_{alarm_metrics}_metrics": alarm_metrics * PRICES["cloudwatch_alarm_metric_month"],
            "sns_alarm_topic": PRICES["sns_topic_month"],
            # EMF metrics are billed only in hours they are published: none between waves.
            "application_metrics_between_waves": 0.0,
            "lambda_api_vpc_s3_endpoint": 0.0}
    # While the email and NIK workers run (the verification window), whatever the number of
    # registrants: each drains for WORKER_DRAIN_S of every minute, and the NAT gateway exists.
    window = {"email_and_nik_workers": 2 * 86400 * WORKER_DRAIN_S / 60 * WORKER_MEMORY_MB / 1024 * PRICES["lambda_per_gb_second"]
              + 2 * 1440 * PRICES["lambda_per_million_requests"] / 1e6,
              "nat_gateway_hours": 24 * PRICES["nat_gateway_per_hour"],
              f"application_metrics_{APPLICATION_METRICS_WHILE_RUNNING}": APPLICATION_METRICS_WHILE_RUNNING
              * PRICES["cloudwatch_custom_metric_month"] * 24 / 730}
    # Optional, for a wave only: the dashboard while it exists, and the opening rush per hour.
    optional = {"dashboard_per_month_while_enabled": PRICES["cloudwatch_dashboard_month"]}
    # The edge (Edge=CloudFront). CloudFront has no fixed cost; its origin secret is one more secret.
    # The web ACL is a fixed monthly cost while it exists (prorated by the hour), which alone would
    # take the idle stack past its USD 5 goal: it is off by default and attached for a wave only.
    edge_idle = {"edge_origin_secret_while_edge_on": PRICES["secrets_manager_per_secret_month"],
                 f"edge_waf_web_acl_and_{EDGE_WAF_RULES}_rules_while_attached": PRICES["waf_web_acl_month"]
                 + EDGE_WAF_RULES * PRICES["waf_rule_month"],
                 "edge_waf_bot_control_while_enabled": PRICES["waf_bot_control_month"] + PRICES["waf_rule_month"]}
    # Per million registrants through the edge: every API call is a CloudFront request and a WAF
    # inspection; Bot Control inspects only the registration route (one call each).
    edge_per_million = {"cloudfront_requests": api_calls * 1e6 / 1e4 * PRICES["cloudfront_https_per_10000"],
                        "cloudfront_transfer_out": api_calls * 1e6 * EDGE_RESPONSE_KIB / 2**20
                        * PRICES["cloudfront_transfer_out_per_gb"],
                        "waf_requests": api_calls * PRICES["waf_per_million_requests"],
                        "waf_bot_control_if_enabled": PRICES["waf_bot_control_per_million"]}
    rush = {f"provisioned_concurrency_{RUSH_PROVISIONED_INSTANCES}_x_{MEMORY_MB}mb": RUSH_PROVISIONED_INSTANCES * 3600
            * gb * PRICES["lambda_provisioned_concurrency_per_gb_second"],
            f"aurora_floor_{RUSH_AURORA_FLOOR_ACU}_acu": RUSH_AURORA_FLOOR_ACU * PRICES["aurora_serverless_v2_per_acu_hour"]}
    return {"prices": PRICES, "invocation_ms": invocations, "billed_ms_per_registrant": billed_ms,
            "init_ms": init_ms, "init_measured_at": f"{MEMORY_MB} MB, throttled" if throttled else "2 unthrottled cores",
            **({"api_memory": memory_costs(cpu_share_data)} if cpu_share_data else {}),
            "per_million_registrants_usd": {k: round(v, 2) for k, v in per_million.items()},
            "total_per_million_registrants_usd": round(total, 2),
            "idle_per_month_usd": {k: round(v, 2) for k, v in idle.items()},
            "idle_total_per_month_usd": round(sum(idle.values()), 2),
            "invocations_per_registrant": invocation_count,
            "verification_window_per_day_usd": {k: round(v, 2) for k, v in window.items()},
            "verification_window_total_per_day_usd": round(sum(window.values()), 2),
            "optional_per_month_usd": {k: round(v, 2) for k, v in optional.items()},
            "edge_fixed_per_month_usd": {k: round(v, 2) for k, v in edge_idle.items()},
            "edge_per_million_registrants_usd": {k: round(v, 2) for k, v in edge_per_million.items()},
            "edge_total_per_million_registrants_usd": round(sum(v for k, v in edge_per_million.items()
                                                                 if not k.endswith("_if_enabled")), 2),
            "rush_window_per_hour_usd": {k: round(v, 2) for k, v in rush.items()},
            "rush_window_total_per_hour_usd": round(sum(rush.values()), 2)}


# ----------------------------------------------------------------------------- report


def package_size():
    """target/api-function.zip zipped and unzipped (Lambda's limit: 250 MB unzipped, layers included)."""
    with zipfile.ZipFile(TARGET / "api-function.zip") as z:
        parts = {}
        for info in z.infolist():
            top = info.filename.split("/")[0]
            parts[top] = parts.get(top, 0) + info.file_size
    bound = re.search(r"^MAX_UNZIPPED_BYTES=(\d+)", (ROOT / "src/main/lambda/build-api-function.sh").read_text(), re.M)
    return {"zipped_mb": round((TARGET / "api-function.zip").stat().st_size / 2**20, 1),
            "unzipped_mb": round(sum(parts.values()) / 2**20, 1), "unzipped_bytes": sum(parts.values()),
            **({"bound_bytes": int(bound.group(1))} if bound else {}),
            "parts_mb": {k: round(v / 2**20, 1) for k, v in sorted(parts.items(), key=lambda kv: -kv[1])}}


def check_aot_cache_used(breakdown):
    """The custom runtime's start must take most classes from its AOT cache; a rejected cache (a jar's
    size or time changed, another JDK) only prints a warning and doubles the start."""
    for row in breakdown:
        if row["variant"].startswith("Custom runtime (") and row["classes_from_aot_cache"] < row["classes_loaded"] / 2:
            raise RuntimeError(f"the AOT cache was not used: {row['classes_from_aot_cache']} of "
                               f"{row['classes_loaded']} classes from it; see {WORK / 'breakdown.log'}")


def prepare_packages():
    """Both packages unpacked, their baselines, and the runtime variants compared side by side."""
    WORK.mkdir(parents=True, exist_ok=True)
    task, baseline = prepare_function()
    custom, custom_baseline = prepare_custom_runtime(baseline)
    return task, custom, runtime_variants(task, baseline, custom, custom_baseline)


def custom_baseline_of(variants):
    """The plain-Java baseline's task root under the custom runtime (same bootstrap, JDK, runtime client)."""
    return next(baseline for _, jdk, _, _, baseline in variants if jdk == CUSTOM)


def migrate_and_define_wave(task):
    """The schema and the bench wave, by the packaged function's own migration at start."""
    log("migrating and defining the bench wave")
    setup = Function("setup", JDK17, LAMBDA_FLAGS, task, QUARKUS_HANDLER, app_config(migrate=True), WORK / "setup.log")
    setup.invoke(api_event("GET", "/q/health/ready"))
    setup.stop()


def runtimes_only(runs, load_count):
    """bench/run --runtimes-only: the runtime comparison alone, written to bench/results/runtimes.md."""
    started = time.time()
    task, custom, variants = prepare_packages()
    postgres = start_postgres()
    try:
        migrate_and_define_wave(task)
        data = {"date": time.strftime("%Y-%m-%d"), "machine": machine(), "postgres": postgres,
                "api_function_package": package_size()}
        data["cold_start"] = cold_starts(variants, runs)
        data["runtime_load"] = runtime_load(variants, load_count)
        data["startup_breakdown"] = startup_breakdown(variants)
        check_aot_cache_used(data["startup_breakdown"])
        data["elapsed_s"] = round(time.time() - started)
        (RESULTS / "runtimes.json").write_text(json.dumps(data, indent=2) + "\n")
        (RESULTS / "runtimes.md").write_text("\n".join(
            [f"# Runtime comparison ({data['date']}, `bench/run --runtimes-only{' --quick' if runs <= 3 else ''}`, {data['elapsed_s']} s)", ""]
            + runtime_report_lines(data)) + "\n")
        log(f"done in {data['elapsed_s']} s: {RESULTS / 'runtimes.md'}")
    finally:
        stop_postgres()


def runtime_report_lines(data):
    lines = ["## Cold start (emulator + AWS runtime interface client, process start to answer)", "",
             "| Variant | Ready, median (p90) ms | First registration + upload URL, median (p90) ms | "
             "Plain-Java baseline ready (same runtime), median ms | Ready / baseline |", "|---|---|---|---|---|"]
    for row in data["cold_start"]:
        lines.append(f"| {row['variant']} | {row['ready_ms']['median']} ({row['ready_ms']['p90']}) | "
                     f"{row['first_registration_ms']['median']} ({row['first_registration_ms']['p90']}) | "
                     f"{row['baseline_ready_ms']['median']} | {row['ratio_ready_to_baseline']}x |")
    lines += ["", f"Runs per variant: {data['cold_start'][0]['ready_ms']['n']}. The custom runtime's baseline runs "
              "the plain-Java handler through the same bootstrap, jlinked JDK, flags and runtime client.", "",
              "## Under load: one instance per runtime, after warm-up", "",
              "| Variant | CPU per registration, ms (user+sys) | Registrations/s, back to back | "
              "POST /v1/registrations billed p50 / p99 ms | GET /v1/registrations/{id} p50 / p99 | "
              "POST .../ktp/upload-url p50 / p99 | Peak RSS, MB |", "|---|---|---|---|---|---|---|"]
    for row in data.get("runtime_load", []):
        c = row["calls"]
        lines.append(f"| {row['variant']} | {row['cpu_ms_per_registration']} | "
                     f"{row['registrations_per_s_one_instance']} | "
                     + " | ".join(f"{c[k]['median']} / {c[k]['p99']}" for k in
                                  ("POST /v1/registrations", "GET /v1/registrations/{id}",
                                   "POST /v1/registrations/{id}/ktp/upload-url"))
                     + f" | {row['peak_rss_mb']} |")
    n = data["runtime_load"][0]["calls"]["POST /v1/registrations"]["n"] if data.get("runtime_load") else 0
    lines += ["", f"CPU per registration: utime + stime of the function process (/proc/<pid>/stat) over {n} "
              "back-to-back registrations after warm-up, divided by their number. Peak RSS: VmHWM after all "
              "calls. The managed-runtime rows run with the JVM's defaults for this 24 GB machine (heap up to "
              "a quarter of it); the custom runtime's bootstrap fixes the heap as it is in Lambda.", "",
              "## Startup breakdown (one start with -Xlog:class+load, which itself slows it)", ""]
    for row in data.get("startup_breakdown", []):
        lines += [f"**{row['variant']}**: ready {row['ready_ms']} ms, first registration + upload URL "
                  f"{row['first_registration_ms']} ms, Quarkus \"started in\" {row['quarkus_started_in_ms']} ms; "
                  f"{row['classes_loaded']} classes loaded, {row['classes_from_aot_cache']} from the AOT cache.", "",
                  "| Phase (ends when the next phase's first class loads) | JVM uptime at end, ms | ms | Classes | "
                  "From AOT cache |", "|---|---|---|---|---|"]
        lines += [f"| {p['phase']} | {p['until_ms']} | {p['ms']} | {p['classes']} | {p['from_aot_cache']} |"
                  for p in row["phases"]] or ["| (AOT-linked classes load at VM start, so class loads mark no "
                                              "phase: see the totals above) | | | | |"]
        lines.append("")
    return lines + package_report_lines(data)


def package_report_lines(data):
    pkg = data.get("api_function_package")
    if not pkg:
        return []
    return ["## API function package (target/api-function.zip)", "",
            f"{pkg['zipped_mb']} MiB zipped, {pkg['unzipped_mb']} MiB unzipped"
            + (f" ({pkg['unzipped_bytes']:,} bytes; the build fails above {pkg['bound_bytes']:,}; Lambda allows "
               "262,144,000 for code and layers together)" if "bound_bytes" in pkg else
               " (Lambda allows 250 MiB unzipped, layers included)") + ": "
            + ", ".join(f"{k} {v} MiB" for k, v in pkg["parts_mb"].items()) + "."]


def spread(s):
    return f"{s['median']:,.0f} [{s['min']:,.0f}-{s['max']:,.0f}]"


def cpu_share_report_lines(share, api_memory=None):
    """The cold start and warm calls at Lambda's CPU share, and the memory sizes' start and cost side by side."""
    if not share:
        return ["## Cold start at Lambda's CPU share", "", "Not measured: no CPU cgroup could be made on this machine "
                "(see the bench's warning)."]
    rows = share["cold_start"]
    several = len({r["variant"] for r in rows}) > 1
    lines = ["## Cold start at Lambda's CPU share", "",
             f"Lambda gives a function one vCPU at {share['mb_per_vcpu']:,} MB and proportionally less or more at "
             "other sizes. Each instance (emulator, bootstrap, JVM) runs in a CPU-capped cgroup "
             f"({share['cgroup']}); PostgreSQL and the bench stay outside it. Two readings of init: **throttled** "
             "(capped from the instance's first instruction) and **init unthrottled** (capped only once the runtime "
             "first asks for an event, where Lambda's INIT phase ends; the handler is always capped; the runtime "
             "then reaches the emulator through a relay in the bench that notices that moment, which adds about a "
             "millisecond to each call). The JVM runs "
             "with `-XX:-UseContainerSupport`, so it counts the two CPUs Lambda shows up to 3,008 MB instead of "
             f"sizing itself from the cap. Medians of {rows[0]['ready_ms']['n']} runs per row, the rows interleaved "
             "run by run; the lowest and highest run in brackets.", "",
             ("| Variant " if several else "") + "| Memory (vCPU) | Init | Ready, ms | First registration + upload "
             "URL, ms | Plain-Java baseline ready, ms | Ready / baseline | Init Duration (emulator), ms | "
             "CPU at ready, ms | Throttled periods |",
             ("|---" if several else "") + "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        memory = f"{r['memory_mb']:,} MB ({r['vcpus']})" if r["memory_mb"] else "2 cores, unthrottled"
        reading = {THROTTLED: "throttled", INIT_UNTHROTTLED: "unthrottled, handler throttled"}.get(r["reading"], "-")
        lines.append((f"| {r['variant']} " if several else "")
                     + f"| {memory} | {reading} | {spread(r['ready_ms'])} | {spread(r['first_registration_ms'])} | "
                     f"{r['baseline_ready_ms']['median']:.0f} | {r['ratio_ready_to_baseline']}x | "
                     f"{r['emulator_init_ms']['median']:.0f} | {r['cpu_at_ready_ms']['median']:.0f} | "
                     f"{r['throttled_periods']} |")
    lines += ["", "CPU at ready: user + system time of the runtime process when the first invocation was answered. "
              "Throttled periods: the cgroup's count over all runs of the row (the cap did bite). A cap is a "
              "ceiling: on this shared machine an instance can get less than its share, never more.", "",
              "### Warm calls at the CPU share (one instance each, back to back after warm-up)", "",
              "| Memory (vCPU) | Registration billed mean / p50 / p99, ms | Status read mean / p50 / p99 | "
              "Upload URL mean / p50 / p99 | CPU per registration, ms |", "|---|---|---|---|---|"]
    for w in share["warm"]:
        c = w["calls"]
        memory = f"{w['memory_mb']:,} MB ({w['vcpus']})" if w["memory_mb"] else "2 cores, unthrottled"
        lines.append(f"| {memory} | " + " | ".join(
            f"{c[k]['billed_mean']} / {c[k]['median']} / {c[k]['p99']}" for k in
            ("POST /v1/registrations", "GET /v1/registrations/{id}", "POST /v1/registrations/{id}/ktp/upload-url"))
            + f" | {w['cpu_ms_per_registration']} |")
    lines += ["", "Billed mean: each invocation's duration rounded up to the millisecond, as Lambda bills it, averaged."]
    if api_memory:
        lines += ["", "### The API function's memory: start against cost", "",
                  f"Lambda's bill for the API function over a wave of {api_memory['wave_registrants']:,} registrants "
                  "(six calls each, priced from the billed means above as the cost model prices them, plus "
                  f"{api_memory['cold_starts_per_wave']:,} cold starts' billed INIT), at the price per GB-second "
                  "in the price list below. Goals: ready <= "
                  f"{READY_GOAL_MS:,} ms and first registration + upload URL <= {FIRST_REGISTRATION_GOAL_MS:,} ms, "
                  "throttled.", "",
                  "| Memory (vCPU) | Ready, throttled, ms | First registration, throttled, ms | Start goals | "
                  "Billed ms per registrant | Lambda USD per wave (duration + INIT) |", "|---|---|---|---|---|---|"]
        for r in api_memory["rows"]:
            deployed = " **(deployed)**" if r["memory_mb"] == MEMORY_MB else ""
            lines.append(f"| {r['memory_mb']:,} MB ({r['vcpus']}){deployed} | {r['ready_ms']:,.0f} | "
                         f"{r['first_registration_ms']:,.0f} | {'met' if r['meets_start_goals'] else 'missed'} | "
                         f"{r['billed_ms_per_registrant']} | {r['lambda_usd_per_wave']} "
                         f"({r['duration_usd_per_wave']} + {r['init_usd_per_wave']}) |")
        smallest = api_memory["smallest_meeting_start_goals_mb"]
        lines += ["", f"Smallest memory measured that meets both start goals: "
                  f"{f'{smallest:,} MB' if smallest else 'none'}."]
    return lines


def machine():
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    jdk = {}
    for name, home in (("jdk17", JDK17), ("jdk25", JDK25)):
        out = subprocess.run([f"{home}/bin/java", "-version"], capture_output=True, text=True).stderr.splitlines()
        jdk[name] = out[0] if out else "missing"
    return {"cores": os.cpu_count(), "cpu": cpu, "memory_gb": round(os.sysconf("SC_PAGE_SIZE") *
            os.sysconf("SC_PHYS_PAGES") / 2**30, 1), "kernel": platform.release(), **jdk}


def write_report(data):
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(data, indent=2) + "\n")
    m = data["machine"]
    lines = [f"# Benchmark results ({data['date']})", "",
             f"Machine: {m['cores']} cores ({m['cpu']}), {m['memory_gb']} GiB; {m['jdk17']}; {m['jdk25']}; "
             f"{data['postgres']}. Function memory setting {MEMORY_MB} MB. Produced by `bench/run` "
             f"in {data['elapsed_s']} s. Shared, noisy machine: compare ratios, not absolute times.", "",
             ]
    lines += runtime_report_lines(data)
    if "cpu_share" in data:
        lines += [""] + cpu_share_report_lines(data["cpu_share"], data.get("cost", {}).get("api_memory"))
    lines += ["",
              "## Warm invocations (the API function's custom runtime, after warm-up)", "",
              "| Call | Function (billed) p50 / p90 / p99 ms | Client p50 / p99 ms | n |", "|---|---|---|---|"]
    for name, r in data["warm"].items():
        if isinstance(r, dict):
            f, c = r["function_ms"], r["client_ms"]
            lines.append(f"| {name} | {f['median']} / {f['p90']} / {f['p99']} | {c['median']} / {c['p99']} | {f['n']} |")
    reg = data["warm"]["POST /v1/registrations"]
    lines += ["", f"Peak RSS of the function process: {data['warm']['peak_rss_mb']} MB.", "",
              f"Statements per registration (pg_stat_statements, top level, BEGIN/COMMIT included): "
              f"{reg['statements_per_call']}; each is one round trip (prepared statements are cached, so no "
              f"separate Parse; `RegistrationRoundTripsTest` counts them on the wire).", "", "```",
              reg["statements"], "```", "",
              "## Database ceiling vs fleet (registrations/s)", "",
              "| Connections = instances | pgbench, the registration statement | Fleet of functions | "
              "Fleet / ceiling | Fleet p50 / p99 ms |",
              "|---|---|---|---|---|"]
    for n, f in data["fleet"].items():
        c = data["database_ceiling"][n]
        lines.append(f"| {n} | {c['registrations_per_s']} | {f['registrations_per_s']} | "
                     f"{f['registrations_per_s'] / c['registrations_per_s']:.0%} | "
                     f"{f['latency_ms']['median']} / {f['latency_ms']['p99']} |")
    if "wave_ceiling" in data:
        lines += [""] + wave_ceiling.report_lines(data["wave_ceiling"], data["wave_ceiling_full_wave"], "bench/run")
    p = data["presign"]["TieredStopAtLevel=1"]
    d = data["presign"]["default flags"]
    cost = data["cost"]
    if "draw" in data:
        lines += [""] + draw_report_lines(data["draw"])
    lines += ["", "## Presign cost (median of 7 one-second trials after warm-up)", "",
              "| | UploadUrlSigner.presignPut (the function's), us | S3Presigner.presignPutObject, us | "
              "Bare SigV4 chain (SHA-256 + 5 HMAC), us |",
              "|---|---|---|---|"]
    for label, row in (("TieredStopAtLevel=1", p), ("default flags", d)):
        lines.append(f"| {label} | {row.get('uploadUrlSignerMicros', '-')} | {row['presignPutMicros']} | "
                     f"{row['bareSigV4Micros']} |")
    lines += ["",
              f"## Cost model ({cost['prices']['region']}; each price and its date below)", "",
              f"Billed milliseconds per registrant ({cost['invocations_per_registrant']} invocations at {MEMORY_MB} MB): "
              f"{cost['billed_ms_per_registrant']}.", "",
              "| Per million registrants | USD |", "|---|---|"]
    for k, v in cost["per_million_registrants_usd"].items():
        lines.append(f"| {k} | {v} |")
    lines += [f"| **total** | **{cost['total_per_million_registrants_usd']}** |", "",
              "| Idle stack per month | USD |", "|---|---|"]
    for k, v in cost["idle_per_month_usd"].items():
        lines.append(f"| {k} | {v} |")
    lines += [f"| **total** | **{cost['idle_total_per_month_usd']}** |", "",
              "| Per day of verification window (email and NIK workers, NAT gateway; data transfer extra) | USD |",
              "|---|---|"]
    for k, v in cost["verification_window_per_day_usd"].items():
        lines.append(f"| {k} | {v} |")
    lines += [f"| **total** | **{cost['verification_window_total_per_day_usd']}** |", "",
              "| Per hour of the opening rush, when scheduled (`ApiProvisionedConcurrency`, `DatabaseWaveMinCapacity`) | USD |",
              "|---|---|"]
    for k, v in cost.get("rush_window_per_hour_usd", {}).items():
        lines.append(f"| {k} | {v} |")
    lines += [f"| **total** | **{cost.get('rush_window_total_per_hour_usd')}** |", "",
              "| Optional (`OperationsDashboard=Enabled`, for a wave) | USD |", "|---|---|"]
    for k, v in cost.get("optional_per_month_usd", {}).items():
        lines.append(f"| {k} | {v} |")
    if "edge_fixed_per_month_usd" in cost:
        lines += ["", "| Optional edge (`Edge=CloudFront`; the web ACL of infra/edge-waf.yaml while attached), per month "
                  "| USD |", "|---|---|"]
        lines += [f"| {k} | {v} |" for k, v in cost["edge_fixed_per_month_usd"].items()]
        lines += ["", "| Optional edge, per million registrants (on top of the total above) | USD |", "|---|---|"]
        lines += [f"| {k} | {v} |" for k, v in cost["edge_per_million_registrants_usd"].items()]
        lines.append(f"| **total** (without Bot Control) | **{cost['edge_total_per_million_registrants_usd']}** |")
    lines += ["",
              "Prices used:", "", "| Price | USD | Per | Recorded | Source |", "|---|---|---|---|---|",
              *[f"| {name} | {usd:g} | {unit} | {day} | {source} |" for name, (usd, unit, day, source)
                in PRICE_LIST.items()], "",
              f"The INIT line assumes {COLD_STARTS_PER_MILLION:,} cold starts per million registrants, each "
              f"billed the shipped runtime's median Init Duration ({cost.get('init_ms')} ms, measured at "
              f"{cost.get('init_measured_at')}).", "",
              "## How to read this", "",
              "- Cold start: wall time from starting the emulator to the answer of the first invocation, which "
              "the emulator holds until the runtime is initialised (Lambda bills that init). The baseline is a "
              "plain `RequestStreamHandler` under the same emulator, runtime, JDK and flags. The shipped "
              "runtime's AOT cache is trained during the Maven build; the full JDK 25's is trained by the "
              "bench (20 registrations). This machine gives each process 2 unthrottled cores; at "
              f"{MEMORY_MB:,} MB Lambda gives about {vcpus(MEMORY_MB):.2f} of a vCPU, so the JIT and GC threads "
              "that run beside the start here compete with it there (\"Cold start at Lambda's CPU share\", "
              "when measured, caps the instance to that share).",
              "- Warm: durations the emulator reports per invocation (`INVOKE RTDONE`), i.e. what Lambda "
              "bills, after warm-up; client times add the emulator's HTTP hop.",
              "- Ceiling vs fleet: pgbench runs exactly the statement one registration executes (see the "
              "list above) with one connection per client; the fleet is N emulator + function processes, one "
              "connection each, driven back to back. On 2 shared cores the fleet's JVMs, emulators, load "
              "generator and PostgreSQL compete for the same CPUs, so the fleet is CPU-bound long before the "
              "database is: the ratio shows how far the function's own work dominates here, not an AWS limit.",
              "- Cost: 7 HTTP API requests per registrant (waves/current, registration, upload URL, confirm, "
              "email verify, two status reads) and 8 Lambda invocations (those plus the upload event; confirm "
              "and the upload event estimated as a registration + 60 ms of S3, email verify as a "
              "registration), one SES email, S3 requests of one upload and its confirmation, and Aurora at 8 "
              "ACU for as long as the measured 8-instance fleet needs for a million registrations. The email "
              f"and NIK workers cost per day of their window, not per registrant: they drain {WORKER_DRAIN_S} s of every "
              f"minute at {WORKER_MEMORY_MB} MB whatever the queue holds. The idle stack's alarms are counted from "
              "infra/template.yaml (each metric an alarm reads is billed); the application's own metrics are "
              "written to the log in Embedded Metric Format and billed only in the hours they are published, so "
              "between waves they cost nothing. `bench/run --report-only` recomputes the cost and "
              "the report from latest.json."]
    (RESULTS / "latest.md").write_text("\n".join(lines) + "\n")


def write_only(data, started, lines=()):
    """bench/run --only: the parts measured, in target/bench/only.json, and in only.md the wave ceiling's
    table and the given report lines."""
    (WORK / "only.json").write_text(json.dumps(data, indent=2) + "\n")
    command = "bench/run " + " ".join(sys.argv[1:])
    md = [f"# {command} ({data['date']})", ""]
    if "wave_ceiling" in data:
        md += wave_ceiling.report_lines(data["wave_ceiling"], data["wave_ceiling_full_wave"], command) + [""]
    md += list(lines)
    if len(md) > 2:
        (WORK / "only.md").write_text("\n".join(md) + "\n")
    log(f"done in {round(time.time() - started)} s: {WORK / 'only.json'}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fewer runs, for trying the harness")
    parser.add_argument("--report-only", action="store_true",
                        help="recompute the cost model and rewrite latest.md from latest.json, measuring nothing")
    parser.add_argument("--runtimes-only", action="store_true",
                        help="only the runtime comparison (cold start, load, startup breakdown); writes runtimes.md")
    parser.add_argument("--draw-only", action="store_true",
                        help="only the draw of a wave of 1,000,000 registrations; writes draw.md and draw.json")
    parser.add_argument("--only", metavar="PARTS",
                        help="comma-separated parts among warm,pgbench,wave_ceiling,share (share: the API "
                             "function's cold start and warm calls at Lambda's CPU share); writes "
                             "target/bench/only.json (and only.md), not latest.*")
    args = parser.parse_args()
    if args.draw_only:
        started = time.time()
        try:
            postgres = start_postgres()
            data = {"date": time.strftime("%Y-%m-%d"), "machine": machine(), "postgres": postgres,
                    "draw": draw_bench()}
            stop_postgres()
            start_postgres(AURORA_LIKE)
            data["draw_aurora_like"] = draw_bench()
            data["elapsed_s"] = round(time.time() - started)
            write_draw_report(data)
            log(f"done in {data['elapsed_s']} s: {RESULTS / 'draw.md'}")
        finally:
            stop_postgres()
        return
    if args.report_only:
        data = json.loads((RESULTS / "latest.json").read_text())
        data["cost"] = cost_model(data["warm"], data["database_ceiling"], data["fleet"], data.get("cold_start"),
                                  data.get("cpu_share"))
        write_report(data)
        log(f"report rewritten from latest.json: {RESULTS / 'latest.md'}")
        return
    runs, warm_count, seconds, sizes = (3, 300, 5, [1, 2]) if args.quick else (10, 2000, 15, [1, 2, 4, 8])
    load_count = 300 if args.quick else 1000
    # Eleven rows of three starts each per run: fewer runs than the unthrottled comparison.
    share_runs = 3 if args.quick else 5
    if args.runtimes_only:
        runtimes_only(runs, load_count)
        return
    started = time.time()
    parts = set(args.only.split(",")) if args.only else None
    known = {"warm", "pgbench", "wave_ceiling", "share"}
    if parts and not parts <= known:
        parser.error(f"unknown parts in --only: {sorted(parts - known)}")
    if parts == {"wave_ceiling"}:
        # PostgreSQL alone: its own databases, migrated from the scripts; no package, no emulator.
        WORK.mkdir(parents=True, exist_ok=True)
        postgres = start_postgres()
        try:
            data = {"date": time.strftime("%Y-%m-%d"), "machine": machine(), "postgres": postgres,
                    **one_wave_ceiling(args.quick)}
            write_only(data, started)
        finally:
            stop_postgres()
        return
    task, custom, variants = prepare_packages()
    postgres = start_postgres()
    try:
        migrate_and_define_wave(task)
        data = {"date": time.strftime("%Y-%m-%d"), "machine": machine(), "postgres": postgres}
        if parts:
            if "warm" in parts:
                data["warm"] = warm_invocations(custom, warm_count)
            if "pgbench" in parts:
                data["database_ceiling"] = database_ceiling(sizes, seconds)
            if "wave_ceiling" in parts:
                data.update(one_wave_ceiling(args.quick))
            lines = []
            if "share" in parts:
                data["cpu_share"] = cpu_share(custom, custom_baseline_of(variants), share_runs, load_count)
                data["api_function_package"] = package_size()
                api_memory = memory_costs(data["cpu_share"]) if data["cpu_share"] else None
                lines += cpu_share_report_lines(data["cpu_share"], api_memory) + [""] + package_report_lines(data)
            write_only(data, started, lines)
            return
        data["presign"] = presign_cost(task)
        data["warm"] = warm_invocations(custom, warm_count)
        data["database_ceiling"] = database_ceiling(sizes, seconds)
        data.update(one_wave_ceiling(args.quick))
        data["fleet"] = fleet(custom, sizes, seconds)
        data["cold_start"] = cold_starts(variants, runs)
        data["cpu_share"] = cpu_share(custom, custom_baseline_of(variants), share_runs, load_count)
        data["runtime_load"] = runtime_load(variants, load_count)
        data["startup_breakdown"] = startup_breakdown(variants)
        check_aot_cache_used(data["startup_breakdown"])
        data["api_function_package"] = package_size()
        # On a fresh cluster, as --draw-only: the migrations create the application's role, and roles
        # belong to the cluster, not to one database.
        (WORK / "partial.json").write_text(json.dumps(data, indent=2) + "\n")  # kept if the draw fails
        stop_postgres()
        start_postgres()
        data["draw"] = draw_bench()
        data["cost"] = cost_model(data["warm"], data["database_ceiling"], data["fleet"], data["cold_start"],
                                  data["cpu_share"])
        data["elapsed_s"] = round(time.time() - started)
        write_report(data)
        log(f"done in {data['elapsed_s']} s: {RESULTS / 'latest.md'}")
    finally:
        stop_postgres()


if __name__ == "__main__":
    sys.exit(main())
