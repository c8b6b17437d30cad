#!/usr/bin/env python3
"""The April 2020 opening replayed end to end, scaled down to this machine (bench/replay).

Registrants arrive on a curve shaped like the Kartu Prakerja opening (1.4 million in two days, 80,000
in the peak minute), scaled in volume and compressed in time. Each one goes the whole way through
the packaged API function under the Lambda Runtime Interface Emulator (registration, upload URL,
PUT to the S3 stand-in, confirm, email code), retrying as the reference page does (src/site/js/api.js).
The email and NIK-check workers are the packaged function too, invoked as their schedules invoke them
in AWS, at the configured paces and quotas scaled the same way; the registry is a stand-in with
latency and failures (bench/stand-ins/StandIns.java). A share of arrivals are bots that register
with NIKs of later arrivals and never verify an email; their owners come back until they get in.

Writes bench/results/replay.md, replay.png and replay.json. Started by bench/replay, which builds
the packages and installs the tools first. Figures, not pass/fail; the checks are reported as found.
"""
import argparse
import base64
import hashlib
import json
import math
import os
import queue
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from pathlib import Path

import bench
from bench import (CUSTOM, JDK17, LAMBDA_FLAGS, QUARKUS_HANDLER, RESULTS, WORK, Function, app_config,
                   free_port, log, percentile, pg, prepare_custom_runtime, prepare_function, registration_body,
                   start_postgres, stop_postgres, migrate_and_define_wave)

ROOT = Path(__file__).resolve().parent.parent
OUT = WORK / "replay"

# --- The opening, as reported: 1.4 M registrants in two days, 80,000 of them in the peak minute.
TOTAL_REAL = 1_400_000
PEAK_PER_MINUTE = 80_000
DAYS = 2
# A model, not a record of the day: an opening burst that decays with this time constant (its
# minutes times the peak are the registrants it brings), over a background weighted to waking
# hours in Jakarta (UTC+7), the wave opening at OPENING_HOUR local time.
BURST_MINUTES = 4.0
OPENING_HOUR = 16
NIGHT_WEIGHT = 0.25  # 23:00-06:00 local, against 1 by day

# --- What the template's wave values give in production (docs/wave-runbook.md), scaled below.
EMAIL_RATE = 50          # EmailRatePerSecond
EMAIL_DAILY = 1_000_000  # EmailDailyQuota
NIK_RATE = 20            # DukcapilRatePerSecond
NIK_DAILY = 500_000      # DukcapilDailyQuota
NIK_PARALLEL = 8         # NikWorkerParallelism (template default)
EMAIL_PARALLEL = 4       # EmailWorkerParallelism (template default)
PACING_MARGIN = 0.1      # gelombang.verification.pacing-margin: the gates pace each rate this much below it
# How long a contested NIK's holder without a proved address keeps it (20 minutes deployed). Real
# seconds, like the application's other waits, but shortened: 20 minutes would outlast the run. A
# bot that tries the NIK of a registrant who got in first contests that registrant, so the grace
# must outlast what the page may take to verify a code while the API sheds (7 attempts with backoff
# up to 20 s, then a press of the button 10 s later): a shorter one releases real registrants'
# NIKs, which a deployed 20 minutes would not. The owners' waits are this plus their 20 s between
# attempts.
CONTEST_GRACE_S = 90
GATEWAY_RATE, GATEWAY_BURST = 6000, 3000  # ApiRateLimit, ApiBurstLimit
# In AWS each worker instance has a CPU of its own, Aurora is a machine of its own that grows with
# the load (up to its ACU maximum), and the registry and S3 are somebody else's; here all of them
# share 2 cores with the API's instances and the clients. They run ahead of those two for the CPU
# (every process and thread of theirs at this nice), so that an overloaded API slows the API, as it
# would in AWS, and not the workers' pace. --shared-cpu runs them level with the rest.
OWN_CPU_NICE = -10
# The control's queues: some seconds of work at each gate's pace.
CONTROL_JOBS = {"EMAIL_CODE": 300, "NIK_CHECK": 150}

# --- The page's retries (src/site/js/api.js and app.js).
PAGE_MAX_ATTEMPTS, PAGE_BACKOFF_BASE, PAGE_BACKOFF_CAP = 7, 1.0, 20.0
RETRY_STATUSES = {502, 503, 504}

MATCH_NAME = "Siti Rahayu"   # the name the registry stand-in holds for every NIK of the replay
BOT_NAME = "Agus Salim"      # a leaked NIK list without the holder's name: the registry says MISMATCH
PHOTO_BYTES = 24_000


# ----------------------------------------------------------------------------- arrival curve


def real_arrivals_between(t0, t1):
    """Registrants arriving between t0 and t1 minutes after the opening, in the unscaled model."""
    burst = PEAK_PER_MINUTE * BURST_MINUTES * (math.exp(-t0 / BURST_MINUTES) - math.exp(-t1 / BURST_MINUTES))
    background_total = TOTAL_REAL - PEAK_PER_MINUTE * BURST_MINUTES
    return burst + background_total * (weight_between(t0, t1) / weight_between(0, DAYS * 1440))


def weight_between(t0, t1, step=1.0):
    total, t = 0.0, t0
    while t < t1:
        dt = min(step, t1 - t)
        hour = (OPENING_HOUR + (t + dt / 2) / 60) % 24
        total += dt * (NIGHT_WEIGHT if hour >= 23 or hour < 6 else 1.0)
        t += dt
    return total


def arrival_times(volume_divisor, compression, seed):
    """Replay seconds of each arrival: a Poisson process whose rate in each replay second is the
    model's real arrivals in the `compression` real seconds it stands for, divided by `volume_divisor`."""
    rng = random.Random(seed)
    seconds = int(DAYS * 86400 / compression)
    times = []
    for s in range(seconds):
        expected = real_arrivals_between(s * compression / 60, (s + 1) * compression / 60) / volume_divisor
        times += sorted(s + rng.random() for _ in range(poisson(rng, expected)))
    return times


def poisson(rng, mean):
    if mean > 50:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p < limit:
            return k
        k += 1


# ----------------------------------------------------------------------------- the gateway


def http_event(method, path, source_ip, headers=None, body=None, query=None):
    headers = {k.lower(): v for k, v in (headers or {}).items()}
    if body is not None:
        headers.setdefault("content-type", "application/json")
    raw_query = "&".join(f"{k}={v}" for k, v in (query or {}).items())
    event = {
        "version": "2.0", "routeKey": "$default", "rawPath": path, "rawQueryString": raw_query,
        "headers": headers,
        "requestContext": {"http": {"method": method, "path": path, "protocol": "HTTP/1.1",
                                    "sourceIp": source_ip, "userAgent": "replay"},
                           "stage": "$default", "routeKey": "$default", "requestId": uuid.uuid4().hex,
                           "timeEpoch": int(time.time() * 1000)},
        "body": None if body is None else json.dumps(body),
        "isBase64Encoded": False,
    }
    if query:
        event["queryStringParameters"] = query
    return json.dumps(event).encode()


def invoke_raw(fn, event, timeout):
    """The function's whole answer (status, headers, body) through its emulator."""
    request = urllib.request.Request(fn.url, data=event, method="POST")
    with urllib.request.urlopen(request, timeout=timeout) as response:
        payload = json.loads(response.read())
    if "statusCode" not in payload:  # the runtime's own error (the function failed or timed out)
        return 502, {}, json.dumps({"message": "Internal Server Error"})
    headers = {k.lower(): v for k, v in (payload.get("headers") or {}).items()}
    return payload["statusCode"], headers, payload.get("body") or ""


class Gateway:
    """The HTTP API in front of the API function: its stage throttle (rung 1: 429 without a problem
    body) and the function's reserved concurrency (rung 2: Lambda throttles, the gateway answers
    503), as docs/wave-runbook.md lists them. Lambda queues no synchronous invocation, so a request
    that finds every instance busy is refused at once."""

    def __init__(self, instances, rate, burst):
        self.free = queue.SimpleQueue()
        for fn in instances:
            self.free.put(fn)
        self.rate, self.burst = rate, burst
        self.tokens, self.refilled = float(burst), time.monotonic()
        self.lock = threading.Lock()

    def call(self, event):
        with self.lock:
            now = time.monotonic()
            self.tokens = min(self.burst, self.tokens + (now - self.refilled) * self.rate)
            self.refilled = now
            if self.tokens < 1:
                return 429, {"content-type": "application/json"}, '{"message":"Too Many Requests"}', "gateway-throttle"
            self.tokens -= 1
        try:
            fn = self.free.get_nowait()
        except queue.Empty:
            return 503, {"content-type": "application/json"}, '{"message":"Service Unavailable"}', "function-throttle"
        try:
            status, headers, body = invoke_raw(fn, event, 30)
            return status, headers, body, None
        finally:
            self.free.put(fn)


# ----------------------------------------------------------------------------- measurements


class Recorder:
    def __init__(self, start):
        self.start = start
        self.lock = threading.Lock()
        self.calls = []  # (replay second, route, status, shed reason or problem type)

    def now(self):
        return time.monotonic() - self.start

    def call(self, route, status, kind):
        with self.lock:
            self.calls.append((self.now(), route, status, kind))


def problem_type(headers, body):
    if not headers.get("content-type", "").startswith("application/problem+json"):
        return None
    try:
        return json.loads(body).get("type", "")
    except ValueError:
        return ""


class Unreachable(Exception):
    """Every attempt failed at the gateway (the page's Unreachable: the attempt is kept)."""


class ApiError(Exception):
    def __init__(self, status, problem, body):
        super().__init__(f"{status} {problem}")
        self.status, self.problem, self.body = status, problem, body


class Client:
    """The page's api.call: retries 502/503/504, 429 and 500 without a problem body and 409
    /request-in-flight (POSTs only when idempotent), full-jitter backoff, Retry-After honoured.
    Also 429 /rate-limited, which the page honours once the application sheds bursts itself."""

    def __init__(self, gateway, recorder, source_ip, rng):
        self.gateway, self.recorder, self.source_ip, self.rng = gateway, recorder, source_ip, rng

    def call(self, method, path, body=None, token=None, key=None, retry=None, route=None):
        retry = method == "GET" if retry is None else retry
        headers = {}
        if token:
            headers["authorization"] = f"Bearer {token}"
        if key:
            headers["idempotency-key"] = key
        for attempt in range(1, PAGE_MAX_ATTEMPTS + 1):
            status, rheaders, rbody, shed = self.gateway.call(http_event(method, path, self.source_ip, headers, body))
            problem = problem_type(rheaders, rbody)
            self.recorder.call(route or path, status, shed or problem)
            if 200 <= status < 300:
                return status, json.loads(rbody) if rbody else None
            retryable = (status in RETRY_STATUSES or (status in (429, 500) and problem is None)
                         or (status == 409 and (problem or "").endswith("/request-in-flight"))
                         or (status == 429 and (problem or "").endswith("/rate-limited")))
            if retry and retryable and attempt < PAGE_MAX_ATTEMPTS:
                after = rheaders.get("retry-after")
                time.sleep(float(after) if after and after.isdigit() else
                           self.rng.random() * min(PAGE_BACKOFF_CAP, PAGE_BACKOFF_BASE * 2 ** (attempt - 1)))
                continue
            if retryable:
                raise Unreachable()
            raise ApiError(status, problem, rbody)


# ----------------------------------------------------------------------------- registrants


class Mailbox:
    """Reads the email worker's local mail sink (one file per message) and hands codes out by address."""

    def __init__(self, directory):
        self.directory = directory
        self.codes, self.sent_at = {}, []
        self.seen = set()
        self.cond = threading.Condition()

    def scan(self, now):
        found = []
        for entry in os.scandir(self.directory):
            if entry.name in self.seen:
                continue
            self.seen.add(entry.name)
            text = Path(entry.path).read_text(errors="replace")
            to = re.search(r"^To: (.*)$", text, re.M)
            code = re.search(r"^Subject: .*?(\d{6})\s*$", text, re.M)
            # Every mail counts against the pace (codes, access codes, notices), at the moment it was
            # written, not at this scan's: a scan runs a second or more after the mails it finds.
            self.sent_at.append(now - max(0.0, time.time() - entry.stat().st_mtime))
            if to and code:
                found.append((to.group(1).strip().lower(), code.group(1)))
        if found:
            with self.cond:
                for address, code in found:
                    self.codes[address] = code
                self.cond.notify_all()

    def wait_code(self, address, deadline):
        with self.cond:
            while address not in self.codes:
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self.cond.wait(min(left, 1.0))
            return self.codes[address]


def photo(seed):
    data = b"\xff\xd8\xff\xe0" + hashlib.sha256(str(seed).encode()).digest() * (PHOTO_BYTES // 32)
    return data, base64.b64encode(hashlib.sha256(data).digest()).decode()


class Registrant:
    def __init__(self, index, arrival, body, source_ip, bot=False):
        self.index, self.arrival, self.body, self.source_ip, self.bot = index, arrival, body, source_ip, bot
        self.id = self.token = None
        self.registered = self.confirmed = self.email_verified = None
        self.first_refused = None  # first 409 /duplicate-registration (the NIK held by a bot)
        self.outcome = "arrived"
        self.final_problem = None

    def run(self, ctx):
        rng = random.Random(self.index)
        client = Client(ctx.gateway, ctx.recorder, self.source_ip, rng)
        key = str(uuid.uuid4())
        while ctx.recorder.now() < ctx.end_of_clients:
            try:
                _, created = client.call("POST", "/v1/registrations", body=self.body, key=key, retry=True,
                                         route="register")
                self.id, self.token = created["id"], created["registrationToken"]
                self.registered = ctx.recorder.now()
                with ctx.lock:
                    ctx.created[self.id] = self
                break
            except Unreachable:
                time.sleep(ctx.human_retry_s)  # the page keeps the attempt: the same key next time
            except ApiError as e:
                if not self.bot and e.status == 409 and (e.problem or "").endswith("/duplicate-registration"):
                    self.first_refused = self.first_refused or ctx.recorder.now()
                    time.sleep(ctx.owner_retry_s)  # the owner tries again later: a new attempt, a new key
                    key = str(uuid.uuid4())
                    continue
                self.outcome, self.final_problem = f"refused-{e.status}", e.problem
                return
        if self.id is None:
            self.outcome = "never-registered"
            return
        if self.bot:
            self.outcome = "registered"
            return  # a bot never uploads nor verifies
        while ctx.recorder.now() < ctx.end_of_clients:
            try:
                if not self.confirmed:
                    self.upload(client, ctx)
                if not self.email_verified:
                    self.verify_email(client, ctx)
                return
            except Unreachable:
                self.final_problem = "unreachable"
                time.sleep(ctx.human_retry_s)  # the page keeps the step: the person presses its button again
            except ApiError as e:
                self.final_problem = str(e)
                return

    def upload(self, client, ctx):
        data, checksum = photo(self.index)
        for _ in range(3):  # the page: a fresh URL for each try
            _, url = client.call("POST", f"/v1/registrations/{self.id}/ktp/upload-url", token=self.token, retry=True,
                                 body={"contentType": "image/jpeg", "contentLength": len(data),
                                       "checksumSha256": checksum}, route="upload-url")
            request = urllib.request.Request(url["uploadUrl"], data=data, method="PUT", headers=url["headers"])
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    status = response.status
            except urllib.error.HTTPError as e:
                status = e.code
            except OSError:
                status = 0
            ctx.recorder.call("s3-put", status, None)
            if 200 <= status < 300:
                break
        else:
            self.outcome = "upload-failed"
            raise Unreachable()
        client.call("POST", f"/v1/registrations/{self.id}/ktp/confirm", token=self.token, retry=True, route="confirm")
        self.confirmed = ctx.recorder.now()
        self.outcome = "uploaded"

    def verify_email(self, client, ctx):
        code = ctx.mailbox.wait_code(self.body["email"].lower(), ctx.start + ctx.end_of_clients)
        if code is None:
            return
        client.call("POST", f"/v1/registrations/{self.id}/email/verify", token=self.token, body={"code": code},
                    retry=True, route="email-verify")
        self.email_verified = ctx.recorder.now()
        self.outcome = "email-verified"


# ----------------------------------------------------------------------------- the run


class Context:
    pass


def cpu_times():
    """The machine's CPU time so far, all cores (/proc/stat): (busy, total), in ticks."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return sum(fields) - idle, sum(fields)


def cpu_busy_since(before):
    """The share of the machine's cores busy since `before` (cpu_times()), and the times now."""
    now = cpu_times()
    total = now[1] - before[1]
    return (round((now[0] - before[0]) / total, 3) if total else None), now


def sample(ctx, samples, stop):
    """Once a second: the funnel and the queues as the database has them, and the mail sink."""
    sql = ("SELECT (SELECT count(*) FROM registration), "
           "(SELECT count(*) FROM registration WHERE ktp_status = 'RECEIVED'), "
           "(SELECT count(*) FROM registration WHERE email_verified), "
           "(SELECT count(*) FROM registration WHERE nik_verification <> 'PENDING'), "
           "(SELECT count(*) FROM verification_job WHERE kind <> 'NIK_CHECK' AND state IN ('PENDING', 'RUNNING')), "
           "(SELECT count(*) FROM verification_job WHERE kind = 'NIK_CHECK' AND state IN ('PENDING', 'RUNNING')), "
           # What each worker may claim now or holds: due or in flight; for the registry only the checks its
           # claim takes (NikCheckPriority EMAIL_VERIFIED and above, or unverified ones past unverified-after,
           # PT30M). Unverified checks RegistryQuotaShare holds back are queued, but no work the worker may do.
           # Nor, for the registry's pace, is a contested holder without a proved address: its check ends
           # in a release without a registry call (ContestedHold, while the quota is kept for proved ones).
           "(SELECT count(*) FROM verification_job WHERE kind <> 'NIK_CHECK' "
           "AND (state = 'RUNNING' OR state = 'PENDING' AND run_after <= now())), "
           "(SELECT count(*) FROM verification_job j WHERE kind = 'NIK_CHECK' "
           "AND (state = 'RUNNING' OR state = 'PENDING' AND run_after <= now()) "
           "AND (priority >= 10 OR created_at <= now() - interval '30 minutes') "
           "AND NOT EXISTS (SELECT 1 FROM registration r WHERE r.id = j.registration_id "
           "AND r.nik_contested_at IS NOT NULL AND NOT r.email_verified))")
    cpu = cpu_times()
    while not stop.is_set():
        t = ctx.recorder.now()
        try:
            ctx.mailbox.scan(t)
            row = [int(x) for x in pg(sql).split("|")]
            busy, cpu = cpu_busy_since(cpu)
            samples.append({"t": round(t, 2), "registrations": row[0], "uploaded": row[1], "email_verified": row[2],
                            "nik_checked": row[3], "email_queue": row[4], "nik_queue": row[5],
                            "email_claimable": row[6], "nik_claimable": row[7], "cpu_busy": busy})
        except (subprocess.CalledProcessError, ValueError, OSError) as e:
            log(f"sample failed: {e}")
        stop.wait(max(0.0, 1.0 - (ctx.recorder.now() - t)))


def drain_loop(fn, kind, seconds, parallel, stop, counts):
    """As the worker's schedule invokes it in AWS, back to back; a failed invocation is followed by the next."""
    while not stop.is_set():
        event = http_event("POST", f"/internal/workers/{kind}/drain", "127.0.0.1",
                           query={"seconds": str(seconds), "parallel": str(parallel)})
        try:
            status, _, body = invoke_raw(fn, event, seconds + 60)
        except (OSError, ValueError) as e:
            status, body = None, str(e)
            time.sleep(1)
        counts.append((kind, status, body[:200]))


def drain_without_the_wave(api, worker, kind, loops, jobs):
    """The control of a worker's pace in the replay: after the run, the same worker, gate and database
    drain a queue of `jobs` fresh jobs of `kind` (everything else set aside, the gate's day begun
    afresh) with no registrant, API call or other worker running (bench/worker_pace.py's drain)."""
    import worker_pace
    worker_pace.OUT = OUT  # the registry stand-in's log of calls
    # From addresses no registrant of the run used: the per-address limit is not under test.
    return worker_pace.drain(worker, kind, loops, worker_pace.fill(api, kind, jobs, network=100))


def ahead_for_the_cpu(pg_dir):
    """PostgreSQL's postmaster and processes at OWN_CPU_NICE; the backends it forks later inherit it."""
    postmaster = (pg_dir / "postmaster.pid").read_text().split()[0]
    children = subprocess.run(["pgrep", "-P", postmaster], capture_output=True, text=True).stdout.split()
    subprocess.run(["renice", "-n", str(OWN_CPU_NICE), "-p", postmaster, *children], check=True, capture_output=True)


def start_stand_ins(s3_port, registry_port, calls_file, nice=0):
    classpath = (ROOT / "target" / "replay-classpath.txt").read_text().strip()
    log_file = open(OUT / "stand-ins.log", "w")
    process = subprocess.Popen([f"{bench.JDK25}/bin/java", "-Xmx768m", "-cp", classpath,
                                str(ROOT / "bench" / "stand-ins" / "StandIns.java"), str(s3_port), "bench",
                                "bench-secret", "gelombang-ktp-bench", str(registry_port), str(calls_file),
                                MATCH_NAME, "120", "0.5", "0.02", "0.005", "7000", "17"],
                               stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True,
                               preexec_fn=bench.in_child(None, nice))
    deadline = time.monotonic() + 120
    while "stand-ins ready" not in (OUT / "stand-ins.log").read_text(errors="replace"):
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("the stand-ins did not start; see " + str(OUT / "stand-ins.log"))
        time.sleep(0.2)
    return process


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--volume-divisor", type=float, default=500,
                        help="real registrants per replayed registrant")
    parser.add_argument("--compression", type=float, default=480, help="real seconds per replay second")
    parser.add_argument("--bots", type=float, default=0.30, help="share of arrivals that are bots")
    parser.add_argument("--api-instances", type=int, default=4)
    parser.add_argument("--email-parallel", type=int, default=EMAIL_PARALLEL, help="the email worker's loops")
    parser.add_argument("--nik-parallel", type=int, default=NIK_PARALLEL, help="the NIK worker's loops")
    parser.add_argument("--shared-cpu", action="store_true",
                        help="the workers and the stand-ins compete for the CPU at the API instances' priority")
    parser.add_argument("--tail", type=float, default=150,
                        help="replay seconds after the last arrival: the last owners' grace and retries")
    parser.add_argument("--quick", action="store_true", help="a short trial: a tenth of the registrants, a fifth of the time")
    parser.add_argument("--seed", type=int, default=2020)
    args = parser.parse_args()
    # A stop from outside (timeout, Ctrl-C) still stops the emulators, the stand-ins and PostgreSQL.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.quick:
        args.volume_divisor, args.compression, args.tail = args.volume_divisor * 10, args.compression * 5, 120
    V, C = args.volume_divisor, args.compression
    rate_scale = C / V  # a pace per real second becomes this many per replay second
    email_rate, nik_rate = EMAIL_RATE * rate_scale, NIK_RATE * rate_scale
    # Quotas reset at midnight in Jakarta by the wall clock: the run's two replayed days get both days'
    # quota at once (the run never crosses a real midnight).
    email_quota, nik_quota = round(EMAIL_DAILY * DAYS / V), round(NIK_DAILY * DAYS / V)

    shutil.rmtree(OUT, ignore_errors=True)
    (OUT / "mail").mkdir(parents=True)
    started_wall = time.time()
    task, baseline = prepare_function()
    custom, _ = prepare_custom_runtime(baseline)
    postgres = start_postgres()
    if not args.shared_cpu:
        ahead_for_the_cpu(bench.PG_DIR)
    processes, functions = [], []
    try:
        migrate_and_define_wave(task)
        s3_port, registry_port = free_port(), free_port()
        calls_file = OUT / "registry-calls.txt"
        processes.append(start_stand_ins(s3_port, registry_port, calls_file, 0 if args.shared_cpu else OWN_CPU_NICE))
        api_config = dict(app_config(), **{"quarkus.s3.endpoint-override": f"http://127.0.0.1:{s3_port}"})
        worker_config = dict(app_config(), **{
            "gelombang.internal-routes.enabled": "true",
            "gelombang.verification.email.transport": "local",
            "gelombang.verification.email.local-directory": str(OUT / "mail"),
            "gelombang.verification.email.rate-per-second": f"{email_rate:.3f}",
            "gelombang.verification.email.daily-quota": str(email_quota),
            "gelombang.verification.dukcapil.url": f"http://127.0.0.1:{registry_port}",
            "gelombang.verification.dukcapil.credential": "replay-registry-credential",
            "gelombang.verification.dukcapil.rate-per-second": f"{nik_rate:.3f}",
            "gelombang.verification.dukcapil.daily-quota": str(nik_quota),
            "gelombang.verification.dukcapil.contest-grace": f"PT{CONTEST_GRACE_S}S",
        })
        log(f"starting {args.api_instances} API instances (api-function.zip) and two workers (function.zip)")
        apis = [Function(f"api-{i}", CUSTOM, [], custom, QUARKUS_HANDLER, api_config, OUT / f"api-{i}.log")
                for i in range(args.api_instances)]
        functions += apis
        # One after the other: the runtime interface client unpacks its native library to one path in
        # /tmp, and two managed-runtime JVMs starting at once can load it half written.
        workers = []
        for name, loops in (("email-worker", args.email_parallel), ("nik-worker", args.nik_parallel)):
            # A connection per loop, as the template gives each worker (QUARKUS_DATASOURCE_REACTIVE_MAX_SIZE).
            config = dict(worker_config, **{"quarkus.datasource.reactive.max-size": str(loops)})
            worker = Function(name, JDK17, LAMBDA_FLAGS, task, QUARKUS_HANDLER, config, OUT / f"{name}.log",
                              timeout=120, nice=0 if args.shared_cpu else OWN_CPU_NICE)
            functions.append(worker)
            worker.invoke(bench.api_event("GET", "/q/health/live"))
            workers.append(worker)
        email_worker, nik_worker = workers
        for fn in apis:  # the first instances of the day: started before the opening (provisioned)
            fn.invoke(bench.api_event("GET", "/v1/waves/current"))

        times = arrival_times(V, C, args.seed)
        rng = random.Random(args.seed)
        people, bodies = [], [registration_body() for _ in times]
        legit_ips = [f"10.{i // 250}.{i % 250}.{rng.randrange(1, 250)}" for i in range(max(1, len(times) // 3))]
        bot_ips = [f"198.51.100.{i + 1}" for i in range(8)]
        legit_indices = []
        is_bot = [rng.random() < args.bots for _ in times]
        for i, t in enumerate(times):
            if not is_bot[i]:
                legit_indices.append(i)
        later_owners = list(legit_indices)
        owners_taken = set()
        for i, t in enumerate(times):
            if is_bot[i]:
                # a NIK of someone who arrives later and has not been taken by another bot
                candidates = [j for j in later_owners[:] if j > i and j not in owners_taken]
                if candidates:
                    owner = candidates[rng.randrange(min(len(candidates), 200))]
                    owners_taken.add(owner)
                    body = dict(bodies[owner], fullName=BOT_NAME, email=f"x{i}@throwaway.test",
                                phone=f"0813{i:08d}")
                else:
                    body = dict(bodies[i], fullName=BOT_NAME, email=f"x{i}@throwaway.test")
                people.append(Registrant(i, t, body, rng.choice(bot_ips), bot=True))
            else:
                people.append(Registrant(i, t, dict(bodies[i], fullName=MATCH_NAME), rng.choice(legit_ips)))
        owners = {i for i in owners_taken}
        log(f"{len(times)} arrivals over {times[-1]:.0f} s ({sum(is_bot)} bots, {len(owners)} owners of a taken NIK)")

        ctx = Context()
        ctx.recorder = Recorder(time.monotonic())
        ctx.start = ctx.recorder.start
        ctx.gateway = Gateway(apis, GATEWAY_RATE * rate_scale, GATEWAY_BURST * rate_scale)
        ctx.mailbox = Mailbox(OUT / "mail")
        ctx.lock = threading.Lock()
        ctx.arrival_times = times
        ctx.bot_addresses, ctx.legit_addresses = len(bot_ips), len(set(legit_ips))
        ctx.created = {}
        ctx.end_of_clients = DAYS * 86400 / C + args.tail
        ctx.human_retry_s = 10.0
        ctx.owner_retry_s = 20.0
        wall_start = time.time()

        stop_workers, stop_sampler = threading.Event(), threading.Event()
        samples, drains = [], []
        threads = [threading.Thread(target=drain_loop, args=(email_worker, "EMAIL_CODE", 20, args.email_parallel, stop_workers,
                                                               drains),
                                    daemon=True),
                   threading.Thread(target=drain_loop, args=(nik_worker, "NIK_CHECK", 20, args.nik_parallel, stop_workers,
                                                             drains), daemon=True),
                   threading.Thread(target=sample, args=(ctx, samples, stop_sampler), daemon=True)]
        for thread in threads:
            thread.start()
        threading.stack_size(512 * 1024)
        clients = []
        for person in people:
            delay = person.arrival - ctx.recorder.now()
            if delay > 0:
                time.sleep(delay)
            thread = threading.Thread(target=person.run, args=(ctx,), daemon=True)
            thread.start()
            clients.append(thread)
        log("all arrived; waiting for the registrants and the queues")
        for thread in clients:
            thread.join(max(0.0, ctx.end_of_clients + 30 - ctx.recorder.now()))
        # The tail: until the email queue is empty (the NIK queue may wait on the registry's quota).
        while ctx.recorder.now() < ctx.end_of_clients and samples and samples[-1]["email_queue"] > 0:
            time.sleep(1)
        run_s = ctx.recorder.now()
        stop_sampler.set()
        threads[2].join()
        stop_workers.set()
        log(f"replay over after {run_s:.0f} s; checking")

        data = report_data(args, ctx, people, owners, samples, calls_file, wall_start, run_s,
                           dict(V=V, C=C, email_rate=email_rate, nik_rate=nik_rate, email_quota=email_quota,
                                nik_quota=nik_quota, postgres=postgres))
        threads[0].join()
        threads[1].join()
        log("the control: each worker drains a queue of fresh jobs without the wave's load")
        data["email"]["pace"]["control"] = drain_without_the_wave(apis[0], email_worker, "EMAIL_CODE",
                                                                   args.email_parallel, CONTROL_JOBS["EMAIL_CODE"])
        data["registry"]["pace"]["control"] = drain_without_the_wave(apis[0], nik_worker, "NIK_CHECK",
                                                                      args.nik_parallel, CONTROL_JOBS["NIK_CHECK"])
        data["elapsed_s"] = round(time.time() - started_wall)
        alive = sum(t.is_alive() for t in clients)
        data["checks"]["clients_still_running_at_end"] = alive
        write(data, samples, ctx)
        log(f"done: {RESULTS / 'replay.md'}")
    finally:
        for fn in functions:
            fn.stop()
        for process in processes:
            try:
                os.killpg(process.pid, 9)
            except ProcessLookupError:
                pass
        stop_postgres()


def report_data(args, ctx, people, owners, samples, calls_file, wall_start, run_s, scale):
    legit = [p for p in people if not p.bot]
    bots = [p for p in people if p.bot]
    created_ids = list(ctx.created)
    in_db = set(pg("SELECT id::text FROM registration").split())
    nik_done = {}
    for line in pg("SELECT j.registration_id::text, extract(epoch FROM j.finished_at), r.nik_verification "
                   "FROM verification_job j JOIN registration r ON r.id = j.registration_id "
                   "WHERE j.kind = 'NIK_CHECK' AND j.state = 'DONE'").splitlines():
        rid, finished, verdict = line.split("|")
        nik_done[rid] = (float(finished) - wall_start, verdict)
    ktp_received = set(pg("SELECT id::text FROM registration WHERE ktp_status = 'RECEIVED'").split())
    job_owner = dict(line.split("|") for line in pg(
        "SELECT id::text, registration_id::text FROM verification_job WHERE kind = 'NIK_CHECK'").splitlines())
    bot_ids = {p.id for p in bots if p.id}
    registry_calls, bot_calls, answers = 0, 0, {}
    call_times = []
    for line in calls_file.read_text().splitlines():
        at, request_id, answer = line.split()
        registry_calls += 1
        answers[answer] = answers.get(answer, 0) + 1
        call_times.append(int(at) / 1000 - wall_start)
        job = request_id.split("-")[1] if request_id.startswith("job-") else None
        if job_owner.get(job) in bot_ids:
            bot_calls += 1

    # arrival -> fully verified: KTP received, email verified, NIK verified
    full = []
    for p in legit:
        nik = nik_done.get(p.id)
        if p.confirmed and p.email_verified and nik and nik[1] == "VERIFIED":
            full.append(max(p.confirmed, p.email_verified, nik[0]) - p.arrival)
    # Where each legitimate registrant not fully verified at the end stood (and the page's last error).
    not_full = Counter()
    for p in legit:
        nik = nik_done.get(p.id)
        if p.confirmed and p.email_verified and nik and nik[1] == "VERIFIED":
            continue
        where = ("not registered" if not p.registered else "no upload confirmed" if not p.confirmed
                 else "email not verified" if not p.email_verified else "NIK check not done" if not nik
                 else f"NIK {nik[1]}")
        not_full[where + (f" ({p.final_problem})" if p.final_problem else "")] += 1
    owner_waits = [p.registered - p.first_refused for p in legit if p.index in owners and p.first_refused
                   and p.registered]
    owners_refused_at_start = sum(1 for p in legit if p.index in owners and p.first_refused)
    owners_never_in = sum(1 for p in legit if p.index in owners and p.first_refused and not p.registered)

    statuses = {}
    for _, route, status, kind in ctx.recorder.calls:
        key = f"{status} {kind}" if kind else str(status)
        statuses[key] = statuses.get(key, 0) + 1
    undocumented_5xx = {k: v for k, v in statuses.items() if k.startswith("5") and not (
        k in ("503 function-throttle",) or k.startswith("503 ") and k.endswith("/unavailable"))}
    legit_limits = [p for p in legit if p.final_problem and any(
        s in str(p.final_problem) for s in ("rate-limited", "email-limit", "too-many"))]
    legit_refused = [p for p in legit if p.outcome.startswith("refused")]
    lost_uploads = [p for p in legit if p.confirmed and p.id not in ktp_received]
    registered_legit = [p for p in legit if p.registered]
    not_uploaded = [p for p in registered_legit if not p.confirmed]
    # What the queues still hold, and why: the job's kind, its last reason (or why it was never tried:
    # an unproved registration's check the quota share holds back, as the sampler counts it) and
    # whether it is due now.
    waiting = {}
    for line in pg("SELECT kind, coalesce(last_error, CASE WHEN kind = 'NIK_CHECK' AND priority < 10 "
                   "AND created_at > now() - interval '30 minutes' THEN 'held back for proved registrants' "
                   "ELSE 'never tried' END), "
                   "CASE WHEN run_after > now() THEN 'due later' ELSE 'due' END, count(*) "
                   "FROM verification_job WHERE state IN ('PENDING', 'RUNNING') GROUP BY 1, 2, 3").splitlines():
        kind, reason, due, count = line.split("|")
        waiting[f"{kind} ({reason}, {due})"] = int(count)

    # The workers' paces: per second, over the seconds that began with at least a second's work at the
    # gate's pace that the worker may claim (due or in flight; not jobs backing off, nor checks the quota
    # share holds back: those are queued, but no work the worker is allowed to do), and the most in any 5 s.
    def paces(event_times, claimable_key, configured, until=None):
        per_second = {}
        for t in event_times:
            per_second[int(t)] = per_second.get(int(t), 0) + 1
        gate = configured * (1 - PACING_MARGIN)
        backlogged = [int(x["t"]) for x in samples if x[claimable_key] >= gate and (until is None or x["t"] < until)]
        busiest = max((sum(per_second.get(s0 + k, 0) for k in range(5)) / 5 for s0 in range(int(run_s))), default=0)
        # A sample's CPU share is of the second before it: a backlogged second's is in the next sample.
        busy = [after["cpu_busy"] for x, after in zip(samples, samples[1:])
                if int(x["t"]) in backlogged and after.get("cpu_busy") is not None]
        return {"configured_per_s": round(configured, 2), "gate_per_s": round(gate, 2),
                "backlogged_seconds": len(backlogged),
                "cpu_busy_while_backlogged": round(sum(busy) / len(busy), 3) if busy else None,
                "per_s_while_backlogged": round(sum(per_second.get(x, 0) for x in backlogged) / len(backlogged), 2)
                if backlogged else None,
                "most_in_5_s_per_s": round(busiest, 2)}

    mail_times = ctx.mailbox.sent_at
    quota_used_at = call_times[scale["nik_quota"] - 1] if len(call_times) >= scale["nik_quota"] else None
    nik_times_before_quota = [t for t in call_times if quota_used_at is None or t <= quota_used_at]

    return {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(wall_start)),
        "command": "bench/replay" + (" --quick" if args.quick else "") + "".join(
            f" --{name}-parallel {value}" for name, value, default in (
                ("email", args.email_parallel, EMAIL_PARALLEL), ("nik", args.nik_parallel, NIK_PARALLEL))
            if value != default) + (" --shared-cpu" if args.shared_cpu else ""),
        "machine": "{cores} cores, {cpu}, {memory_gb} GB".format(**bench.machine()), "postgres": scale["postgres"],
        "scaling": {
            "real_registrants": TOTAL_REAL, "real_peak_per_minute": PEAK_PER_MINUTE, "days": DAYS,
            "volume_divisor": scale["V"], "compression": scale["C"],
            "replay_seconds_of_arrivals": DAYS * 86400 / scale["C"],
            "burst_minutes": BURST_MINUTES, "opening_hour_wib": OPENING_HOUR, "night_weight": NIGHT_WEIGHT,
            "email_rate_per_s": round(scale["email_rate"], 3), "email_quota": scale["email_quota"],
            "nik_rate_per_s": round(scale["nik_rate"], 3), "nik_quota": scale["nik_quota"],
            "nik_parallel": args.nik_parallel, "email_parallel": args.email_parallel, "api_instances": args.api_instances,
            "shared_cpu": args.shared_cpu,
            "gateway_rate_per_s": GATEWAY_RATE * scale["C"] / scale["V"],
            "bot_share": args.bots, "bot_addresses": ctx.bot_addresses, "legitimate_addresses": ctx.legit_addresses,
        },
        "arrivals": len(people), "legitimate": len(legit), "bots_arrived": len(bots),
        "peak_arrivals_in_one_second": max_per_second([p.arrival for p in people]),
        "run_s": round(run_s, 1),
        "registered": {"legitimate": len(registered_legit), "bots": len(bot_ids)},
        "uploaded": sum(1 for p in legit if p.confirmed),
        "email_verified": sum(1 for p in legit if p.email_verified),
        "nik_checked": len(nik_done), "nik_verified": sum(1 for v in nik_done.values() if v[1] == "VERIFIED"),
        "nik_rejected": sum(1 for v in nik_done.values() if v[1] == "REJECTED"),
        "fully_verified": len(full),
        "arrival_to_fully_verified_s": {f"p{q}": round(percentile(full, q), 1) for q in (50, 90, 99)} if full else None,
        "arrival_to_registered_s": {f"p{q}": round(percentile([p.registered - p.arrival for p in registered_legit], q), 2)
                                    for q in (50, 90, 99)} if registered_legit else None,
        "api_calls": statuses,
        "shed": {"gateway_429": statuses.get("429 gateway-throttle", 0),
                 "gateway_503": statuses.get("503 function-throttle", 0),
                 "function_503": sum(v for k, v in statuses.items() if k.startswith("503 ") and k.endswith("/unavailable"))},
        "registry": {"calls": registry_calls, "answers": answers,
                     "pace": paces(nik_times_before_quota, "nik_claimable", scale["nik_rate"], quota_used_at),
                     "quota_used_up_at_s": None if quota_used_at is None else round(quota_used_at, 1)},
        "email": {"sent": len(mail_times), "pace": paces(mail_times, "email_claimable", scale["email_rate"])},
        "checks": {
            "every_201_in_database": all(i in in_db for i in created_ids),
            "created_201": len(created_ids), "created_missing_from_database": sum(1 for i in created_ids if i not in in_db),
            "undocumented_5xx": undocumented_5xx,
            "lost_uploads": len(lost_uploads),
            "registered_without_confirmed_upload": len(not_uploaded),
            "without_confirmed_upload_why": dict(Counter(p.final_problem or "still uploading" for p in not_uploaded)),
            "legitimate_never_registered": sum(1 for p in legit if not p.registered),
            "email_queue_at_end": samples[-1]["email_queue"] if samples else None,
            "nik_queue_at_end": samples[-1]["nik_queue"] if samples else None,
            "queued_at_end_by_reason": waiting,
            "legitimate_not_fully_verified_at_end": dict(not_full),
        },
        "bots": {
            "registry_checks_spent_on_bots_pct": round(100 * bot_calls / registry_calls, 1) if registry_calls else None,
            "owner_wait_s_p50": round(percentile(owner_waits, 50), 1) if owner_waits else None,
            "owner_wait_s_p99": round(percentile(owner_waits, 99), 1) if owner_waits else None,
            "legitimate_refused": len(legit_limits) + len(legit_refused),
            "owners_refused_at_first": owners_refused_at_start,
            "owners_still_out_at_end": owners_never_in,
            "bot_registrations": len(bot_ids),
        },
    }


def max_per_second(times):
    counts = {}
    for t in times:
        counts[int(t)] = counts.get(int(t), 0) + 1
    return max(counts.values()) if counts else 0


# ----------------------------------------------------------------------------- output


def write(data, samples, ctx):
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "replay.json").write_text(json.dumps(data, indent=2) + "\n")
    plot(data, samples, ctx)
    s, b, c = data["scaling"], data["bots"], data["checks"]
    pct = data["arrival_to_fully_verified_s"] or {}
    reg = data["arrival_to_registered_s"] or {}
    lines = [
        "# The April 2020 opening, replayed end to end",
        "",
        f"`{data['command']}` on {data['date']} ({data['machine']}; {data['postgres']}), {data['elapsed_s']} s in all, "
        f"{data['run_s']} s of replay. Every figure below is from that run (`replay.json`).",
        "",
        "![arrivals, funnel, queues and shedding](replay.png)",
        "",
        "## How it was scaled",
        "",
        f"- **Arrivals**: a model of the opening, not a record of it: {s['real_registrants']:,} registrants in "
        f"{s['days']} days, {s['real_peak_per_minute']:,} in the peak minute at the opening, an opening burst "
        f"decaying with a {s['burst_minutes']:g}-minute time constant over a background weighted to waking hours "
        f"(night 23:00-06:00 WIB at {s['night_weight']:g}), the wave opening at {s['opening_hour_wib']}:00 WIB.",
        f"- **Volume** divided by {s['volume_divisor']:g}, **time** compressed {s['compression']:g}x: the two days "
        f"are {s['replay_seconds_of_arrivals']:.0f} s of replay. {data['arrivals']} arrivals, "
        f"{data['peak_arrivals_in_one_second']} in the busiest second.",
        f"- **Outside paces** scaled by both ({s['compression']:g}/{s['volume_divisor']:g}), so that queues fill and "
        f"drain as they would: SES {EMAIL_RATE}/s becomes {s['email_rate_per_s']}/s, Dukcapil {NIK_RATE}/s becomes "
        f"{s['nik_rate_per_s']}/s (docs/wave-runbook.md's wave values), the gates pacing each {PACING_MARGIN:.0%} below "
        f"it; {s.get('email_parallel', 1)} mails and {s['nik_parallel']} registry calls in flight (the template's "
        f"EmailWorkerParallelism and NikWorkerParallelism). "
        f"Daily quotas by volume; they reset at midnight by the wall clock, so the run gets both days' at once: "
        f"{s['email_quota']} emails, {s['nik_quota']} registry checks. The gateway's throttle "
        f"({GATEWAY_RATE}/s) scales to {s['gateway_rate_per_s']:.0f}/s.",
        f"- **Not scaled**: everything inside a request and the application's own waits (the page's backoff of "
        f"1-20 s, job backoff, leases, code expiry) run in real seconds, so they weigh {s['compression']:g}x more "
        f"against the compressed curve than on the day. The API function runs as {s['api_instances']} instances "
        f"(what 2 cores carry beside PostgreSQL, the workers and the clients), not the template's 200: "
        f"that ceiling is what sheds the peak here. The one wait shortened: a contested NIK's holder without "
        f"a proved address keeps it {CONTEST_GRACE_S} s, not 20 minutes (which would outlast the run).",
        "",
        "## What runs",
        "",
        f"- The API function as shipped (`target/api-function.zip`, its custom runtime) under the Lambda Runtime "
        f"Interface Emulator, {s['api_instances']} instances behind a stand-in for the HTTP API: its throttle "
        f"(429 without a body, rung 1 of the runbook's ladder) and Lambda's concurrency limit (the gateway's 503, "
        f"rung 2: no synchronous invocation waits for a free instance).",
        "- The email and NIK workers: `target/function.zip` on the managed Java runtime's flags, invoked as their "
        "schedules invoke them (`POST /internal/workers/{kind}/drain`, 20 s per invocation, back to back), mail into "
        "the local mail sink (a directory the clients read their codes from).",
        ("- The CPU: the workers and the stand-ins (S3, the registry) run ahead of the API's instances, the "
         f"clients and PostgreSQL (nice {OWN_CPU_NICE}): in AWS each worker has a CPU of its own and S3 and the "
         "registry are other machines, so an overloaded API slows the API, not the workers."
         if not s["shared_cpu"] else
         "- The CPU: the workers and the stand-ins (S3, the registry) share it level with the API's instances, the "
         "clients and PostgreSQL (`--shared-cpu`), as they never would in AWS."),
        "- S3: S3Proxy (in memory, SigV4 checked); the registry: a stand-in that answers after a log-normal delay "
        "(median 120 ms), 2% 503 and 0.5% stalls past the client's timeout, MATCH for the registrants' own details "
        "and MISMATCH for the bots' (`bench/stand-ins/StandIns.java`). PostgreSQL as `bench/run` starts it.",
        "- Each registrant: registration with an Idempotency-Key, upload URL, PUT of a 24 KB JPEG to S3, confirm, "
        "the email code from the mail sink, verify; every call retried as the reference page retries it "
        "(502/503/504, 429 and 500 without a problem body, 409 `/request-in-flight`, Retry-After honoured, 7 attempts "
        "with full-jitter backoff, then the person presses the button again 10 s later: the same key for the "
        "registration, a fresh upload URL for the photo).",
        f"- Bots: {s['bot_share']:.0%} of arrivals, from {s['bot_addresses']} addresses (the others from "
        f"{s['legitimate_addresses']} addresses, {data['legitimate'] / s['legitimate_addresses']:.1f} registrants "
        f"each on average, as behind a carrier's NAT), each with the NIK of a "
        f"later registrant and a name from a list without the holder's name; they never upload or verify an email. "
        f"An owner refused with 409 `/duplicate-registration` tries again every 20 s with a new key.",
        "",
        "## Results",
        "",
        "| What | Figure |",
        "|---|---|",
        f"| Arrivals (legitimate / bots) | {data['arrivals']} ({data['legitimate']} / {data['bots_arrived']}) |",
        f"| Registered (legitimate / bots) | {data['registered']['legitimate']} / {data['registered']['bots']} |",
        f"| KTP uploaded and confirmed / email verified | {data['uploaded']} / {data['email_verified']} |",
        f"| NIK checked (verified / rejected) | {data['nik_checked']} ({data['nik_verified']} / {data['nik_rejected']}) |",
        f"| Fully verified (KTP, email, NIK) | {data['fully_verified']} |",
        f"| Arrival to registered, replay s, p50 / p90 / p99 | {reg.get('p50')} / {reg.get('p90')} / {reg.get('p99')} |",
        f"| Arrival to fully verified, replay s, p50 / p90 / p99 | {pct.get('p50')} / {pct.get('p90')} / {pct.get('p99')} |",
        f"| Shed: gateway 429 / gateway 503 (function throttled) / function 503 | {data['shed']['gateway_429']} / "
        f"{data['shed']['gateway_503']} / {data['shed']['function_503']} |",
        f"| Emails sent (codes and notices) | {data['email']['sent']} |",
        f"| Email pace: configured / the gate's / while it had a second's work it may claim "
        f"({data['email']['pace']['backlogged_seconds']} s, the machine's cores "
        f"{busy_share(data['email']['pace'])} busy) / most in 5 s, per s | "
        f"{data['email']['pace']['configured_per_s']} / {data['email']['pace'].get('gate_per_s')} / "
        f"{data['email']['pace']['per_s_while_backlogged']} / "
        f"{data['email']['pace']['most_in_5_s_per_s']} |",
        control_row("Email", data["email"]["pace"]),
        f"| Registry calls (answers) | {data['registry']['calls']} "
        f"({', '.join(f'{k} {v}' for k, v in sorted(data['registry']['answers'].items()))}) |",
        f"| Registry pace before its quota ran out: configured / the gate's / while it had a second's work it may "
        f"claim ({data['registry']['pace']['backlogged_seconds']} s, the machine's cores "
        f"{busy_share(data['registry']['pace'])} busy) / most in 5 s, per s | "
        f"{data['registry']['pace']['configured_per_s']} / {data['registry']['pace'].get('gate_per_s')} / "
        f"{data['registry']['pace']['per_s_while_backlogged']} / "
        f"{data['registry']['pace']['most_in_5_s_per_s']} |",
        control_row("Registry", data["registry"]["pace"]),
        f"| Registry quota ({s['nik_quota']}) used up at | "
        f"{'not used up' if data['registry']['quota_used_up_at_s'] is None else str(data['registry']['quota_used_up_at_s']) + ' s'} |",
        "",
        "Calls by answer (status and shed reason or problem type): "
        + ", ".join(f"`{k}` {v}" for k, v in sorted(data["api_calls"].items())) + ".",
        "",
        "## Bots",
        "",
        "| What | Figure |",
        "|---|---|",
        f"| Registry checks spent on bots | {b['registry_checks_spent_on_bots_pct']}% |",
        f"| Owners refused at first because a bot held their NIK | {b['owners_refused_at_first']} |",
        f"| Their wait from the first 409 to their 201, replay s, p50 / p99 | {b['owner_wait_s_p50']} / {b['owner_wait_s_p99']} |",
        f"| Owners still out at the end | {b['owners_still_out_at_end']} |",
        f"| Legitimate registrants refused (a final 4xx other than the owners' 409s) | {b['legitimate_refused']} |",
        "",
        "## Checks",
        "",
        f"- Every 201 is in the database: **{c['every_201_in_database']}** ({c['created_201']} answered 201, "
        f"{c['created_missing_from_database']} missing).",
        f"- 5xx other than documented shedding (the gateway's 503 when the function is throttled, the function's "
        f"503 `/unavailable` with Retry-After): **{c['undocumented_5xx'] or 'none'}**.",
        f"- Lost uploads (confirmed, but not RECEIVED in the database): **{c['lost_uploads']}**; registered "
        f"legitimate registrants without a confirmed upload at the end: {c['registered_without_confirmed_upload']}"
        f"{' (' + ', '.join(f'{k}: {v}' for k, v in c['without_confirmed_upload_why'].items()) + ')' if c['without_confirmed_upload_why'] else ''}; "
        f"legitimate registrants never registered: {c['legitimate_never_registered']}; clients still running at the "
        f"end: {c['clients_still_running_at_end']}.",
        f"- Legitimate registrants not fully verified at the end, by where they stood: "
        + (", ".join(f"{k}: {v}" for k, v in c['legitimate_not_fully_verified_at_end'].items()) or "none") + ".",
        f"- Queues at the end: email {c['email_queue_at_end']}, NIK {c['nik_queue_at_end']}; by kind, last reason "
        f"and due time: " + (", ".join(f"{k} {v}" for k, v in c['queued_at_end_by_reason'].items()) or "none") + ". "
        f"The paces while each worker had work it may claim are in the table above against the configured ones and "
        f"the gate's.",
        "",
    ]
    (RESULTS / "replay.md").write_text("\n".join(lines))


def busy_share(pace):
    share = pace.get("cpu_busy_while_backlogged")
    return "?" if share is None else f"{share:.0%}"


def control_row(what, pace):
    c = pace["control"]
    return (f"| {what} pace, control: the same worker draining {c['done_or_called']} fresh jobs after the run, "
            f"without the wave's load, per s (s) | {c['per_s']} ({c['drain_s']}) |")


def plot(data, samples, ctx):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    end = int(data["run_s"]) + 1
    bins = list(range(end))

    def per_second(times):
        counts = [0] * end
        for t in times:
            if 0 <= int(t) < end:
                counts[int(t)] += 1
        return counts

    fig, axes = plt.subplots(3, 1, figsize=(11, 11), sharex=True)
    arrivals = per_second(ctx.arrival_times)
    accepted = per_second([t for t, route, status, kind in ctx.recorder.calls if route == "register" and status == 201])
    axes[0].plot(bins, arrivals, label="arrivals", lw=1)
    axes[0].plot(bins, accepted, label="registrations accepted (201)", lw=1)
    axes[0].set_yscale("symlog", linthresh=10)
    axes[0].set_ylabel("per replay second")
    axes[0].legend()
    axes[0].set_title(f"April 2020 opening replayed: 1/{data['scaling']['volume_divisor']:g} of the volume, "
                      f"{data['scaling']['compression']:g}x faster ({data['date']})")
    t = [s["t"] for s in samples]
    for key, label in (("registrations", "registered"), ("uploaded", "KTP uploaded"),
                       ("email_verified", "email verified"), ("nik_checked", "NIK checked")):
        axes[1].plot(t, [s[key] for s in samples], label=label)
    axes[1].set_ylabel("cumulative")
    axes[1].legend()
    axes[2].plot(t, [s["email_queue"] for s in samples], label="email queue (codes and notices)")
    axes[2].plot(t, [s["nik_queue"] for s in samples], label="NIK check queue")
    axes[2].set_ylabel("jobs waiting")
    shed = per_second([c[0] for c in ctx.recorder.calls if c[2] in (429, 503)])
    twin = axes[2].twinx()
    twin.bar(bins, shed, color="tab:red", alpha=0.4, width=1.0, label="shed 429/503 per s")
    twin.set_yscale("symlog", linthresh=10)
    twin.set_ylabel("shed calls per replay second")
    lines, labels = axes[2].get_legend_handles_labels()
    lines2, labels2 = twin.get_legend_handles_labels()
    axes[2].legend(lines + lines2, labels + labels2, loc="upper right")
    axes[2].set_xlabel("replay seconds since the opening")
    fig.tight_layout()
    fig.savefig(RESULTS / "replay.png", dpi=110)


if __name__ == "__main__":
    main()
