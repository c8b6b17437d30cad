#!/usr/bin/env python3
"""One verification worker draining a pre-filled queue: its pace against the gate's (bench/worker_pace).

Each variant fills the queue of one kind with fresh registrations' jobs (registered through the
packaged function), every other job set aside, then invokes the packaged worker's drain once, as
its schedule does (POST /internal/workers/{kind}/drain, until idle, with so many loops), and times
the jobs it settles from their finished_at (the registry's calls from the stand-in's log: a 503
or a stall uses its slot too): the pace between the first and the last, and the seconds it took. The email worker mails into a local directory; the NIK worker calls the
registry stand-in of bench/replay (log-normal latency, errors and stalls past the client's timeout).

The control of each variant is the same drain against a gate a thousand times faster, so that only
the worker itself (its loops, round trips and outside calls) bounds it: the pace a number of loops
can reach at all. A worker "at its pace" settles at the gate's pace (the configured rate less the
pacing margin) while its control is above that.

Needs target/function.zip and the test classpath, as bench/replay builds them; run it through
`bench/worker-pace`, which builds them first.
"""
import argparse
import json
import time
import uuid
from pathlib import Path

import bench
import replay
from bench import JDK17, LAMBDA_FLAGS, QUARKUS_HANDLER, WORK, Function, app_config, free_port, log, pg

OUT = WORK / "worker-pace"
PACING_MARGIN = 0.1  # gelombang.verification.pacing-margin's default


_rounds = [0]


def _round():
    _rounds[0] += 1
    return _rounds[0] % 250 + 1


def fill(fn, kind, jobs, network=10):
    """jobs fresh registrations whose job of `kind` is the only work due; a NIK check as if its
    registrant had proved their email (what the claim takes first). Their addresses are in
    `network`.0.0.0/8."""
    pg("UPDATE verification_job SET state = 'DONE', finished_at = now(), lease_token = NULL "
       "WHERE state IN ('PENDING', 'RUNNING')")
    pg("DELETE FROM outbound_gate")
    since = pg("SELECT coalesce(max(id), 0) FROM verification_job")
    for i in range(jobs):
        # Each from an address of its own: the per-address registration limit is not under test.
        status, body, _ = fn.invoke(replay.http_event("POST", "/v1/registrations", f"{network}.{i // 250 % 250}.{i % 250}.{_round()}",
                                                      {"idempotency-key": str(uuid.uuid4())}, bench.registration_body()))
        if status != 201:
            raise RuntimeError(f"registration answered {status}: {body}")
    pg(f"UPDATE verification_job SET state = 'DONE', finished_at = now() WHERE id > {since} AND kind <> '{kind}'")
    if kind == "NIK_CHECK":
        pg(f"UPDATE verification_job SET priority = 10 WHERE id > {since} AND kind = 'NIK_CHECK'")
    return int(since)


def drain(worker, kind, loops, since):
    event = replay.http_event("POST", f"/internal/workers/{kind}/drain", "127.0.0.1",
                              query={"seconds": "300", "untilIdle": "true", "parallel": str(loops)})
    started = time.time()
    status, _, body = replay.invoke_raw(worker, event, 400)
    took = time.time() - started
    if status != 200:
        raise RuntimeError(f"drain answered {status}: {body[:300]}")
    times = sorted(float(x) for x in pg(
        f"SELECT extract(epoch FROM finished_at) FROM verification_job "
        f"WHERE id > {since} AND kind = '{kind}' AND state = 'DONE'").split())
    left = int(pg(f"SELECT count(*) FROM verification_job WHERE id > {since} AND kind = '{kind}' "
                  f"AND state IN ('PENDING', 'RUNNING')"))
    if kind == "NIK_CHECK":
        # The gate paces calls: a 503 or a stall uses its slot and leaves the job to back off.
        times = sorted(int(line.split()[0]) / 1000 for line in (OUT / "registry-calls.txt").read_text().splitlines()
                       if started * 1000 <= int(line.split()[0]) <= (started + took) * 1000)
    pace = (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 and times[-1] > times[0] else None
    return {"settled": json.loads(body)["settled"], "done_or_called": len(times), "left": left,
            "drain_s": round(took, 2), "per_s": round(pace, 2) if pace else None}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=300, help="jobs in the queue for each variant")
    parser.add_argument("--email-rate", type=float, default=48.0, help="configured email rate (the replay's)")
    parser.add_argument("--nik-rate", type=float, default=19.2, help="configured registry rate (the replay's)")
    parser.add_argument("--email-loops", default="1,4", help="loops of the email worker to try")
    parser.add_argument("--nik-loops", default="4,8", help="loops of the NIK worker to try")
    parser.add_argument("--pool", type=int, default=1, help="the workers' PostgreSQL connections (prod: 1)")
    parser.add_argument("--commit-delay-us", type=int, default=0,
                        help="commit latency to emulate (commit_delay with commit_siblings = 0), as Aurora's quorum")
    args = parser.parse_args()

    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "mail").mkdir(exist_ok=True)
    replay.OUT = OUT
    task, _ = bench.prepare_function()
    settings = "-c shared_buffers=256MB"
    if args.commit_delay_us:
        settings += f" -c commit_delay={args.commit_delay_us} -c commit_siblings=0"
    postgres = bench.start_postgres(settings)
    functions, processes = [], []
    results = []
    try:
        bench.migrate_and_define_wave(task)
        registry_port = free_port()
        processes.append(replay.start_stand_ins(free_port(), registry_port, OUT / "registry-calls.txt"))
        base = dict(app_config(), **{
            "gelombang.internal-routes.enabled": "true",
            "quarkus.datasource.reactive.max-size": str(args.pool),
            "gelombang.verification.email.transport": "local",
            "gelombang.verification.email.local-directory": str(OUT / "mail"),
            "gelombang.verification.email.daily-quota": "10000000",
            "gelombang.verification.dukcapil.url": f"http://127.0.0.1:{registry_port}",
            "gelombang.verification.dukcapil.credential": "bench-registry-credential",
            "gelombang.verification.dukcapil.daily-quota": "10000000",
        })
        registrar = Function("registrar", JDK17, LAMBDA_FLAGS, task, QUARKUS_HANDLER, app_config(), OUT / "registrar.log")
        functions.append(registrar)
        workers = {}
        for name, factor in (("paced", 1), ("control", 1000)):
            config = dict(base, **{"gelombang.verification.email.rate-per-second": f"{args.email_rate * factor:.3f}",
                                   "gelombang.verification.dukcapil.rate-per-second": f"{args.nik_rate * factor:.3f}"})
            worker = Function(f"worker-{name}", JDK17, LAMBDA_FLAGS, task, QUARKUS_HANDLER, config,
                              OUT / f"worker-{name}.log", timeout=400)
            functions.append(worker)
            worker.invoke(bench.api_event("GET", "/q/health/live"))
            workers[name] = worker
        # Warm-up, not reported: the first drains of a fresh JVM run interpreted code.
        for name in workers:
            for kind in ("EMAIL_CODE", "NIK_CHECK"):
                drain(workers[name], kind, 2, fill(registrar, kind, 60))
        plan = ([("EMAIL_CODE", int(n), args.email_rate) for n in args.email_loops.split(",")]
                + [("NIK_CHECK", int(n), args.nik_rate) for n in args.nik_loops.split(",")])
        for kind, loops, rate in plan:
            row = {"kind": kind, "loops": loops, "configured_per_s": rate,
                   "gate_per_s": round(rate * (1 - PACING_MARGIN), 2)}
            for name in ("paced", "control"):
                row[name] = drain(workers[name], kind, loops, fill(registrar, kind, args.jobs))
                log(f"{kind} x{loops} {name}: {row[name]}")
            results.append(row)
    finally:
        for fn in functions:
            fn.stop()
        for process in processes:
            try:
                import os
                os.killpg(process.pid, 9)
            except ProcessLookupError:
                pass
        bench.stop_postgres()

    print(f"\nworker pace, {args.jobs} jobs per variant, {args.pool} connection(s) per worker, commit latency "
          f"{args.commit_delay_us} us; {postgres}")
    print("| kind | loops | configured/s | gate/s | paced: per s (s) | control (gate x1000): per s (s) |")
    print("|---|---|---|---|---|---|")
    for r in results:
        p, c = r["paced"], r["control"]
        print(f"| {r['kind']} | {r['loops']} | {r['configured_per_s']} | {r['gate_per_s']} | "
              f"{p['per_s']} ({p['drain_s']}) | {c['per_s']} ({c['drain_s']}) |")
    (OUT / "results.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
