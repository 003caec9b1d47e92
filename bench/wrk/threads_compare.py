"""gunicorn's sync worker against gthread (`kiosque serve --threads N`), with wrk, back to back.

    .venv/bin/python bench/wrk/threads_compare.py --database kiosque_bench_1k \
        --threads 1,2,4 --endpoints discovery,userinfo --concurrency 8 --duration 8

For each thread count: a fresh `kiosque serve --workers 2 --threads N` on the bench database,
then one wrk run per endpoint (requests/s, p50/p99, server CPU ms per request). The bearer
token for userinfo comes from bench/load_driver.py (--tokens) against the first server.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

PROJECT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT / "bench"))

from load_driver import WRK_DIR, wrk  # noqa: E402
from make_data import bench_env  # noqa: E402

PATHS = {"discovery": "/.well-known/openid-configuration", "jwks": "/oidc/jwks/",
         "userinfo": "/oidc/userinfo/"}  # fmt: skip


def serve(database: str, port: int, workers: int, threads: int) -> subprocess.Popen:
    env = {**os.environ, **bench_env(database), "PYTHONPATH": str(PROJECT / "bench"),
           "DJANGO_SETTINGS_MODULE": "bench_settings",
           "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7"),
           "KIOSQUE_BASE_URL": f"http://127.0.0.1:{port}"}  # fmt: skip
    process = subprocess.Popen(
        [str(PROJECT / ".venv/bin/kiosque"), "serve", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--threads", str(threads), "--access-log", "",
         "--max-requests", "0"],
        env=env, start_new_session=True,
    )  # fmt: skip
    import urllib.request

    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{PATHS['discovery']}", timeout=2)
            return process
        except OSError:
            time.sleep(0.5)
    raise SystemExit("server did not start")


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, 15)
    process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="kiosque_bench_1k")
    parser.add_argument("--threads", default="1,2,4")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--endpoints", default="discovery,userinfo")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--duration", type=float, default=8)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--port", type=int, default=8232)
    parser.add_argument("--out")
    args = parser.parse_args()
    base = f"http://127.0.0.1:{args.port}"
    work = Path(tempfile.mkdtemp(prefix="threads-compare-"))
    access = None
    runs = []
    for repeat in range(args.repeats):
        for threads in [int(t) for t in args.threads.split(",")]:
            process = serve(args.database, args.port, args.workers, threads)
            try:
                if access is None and "userinfo" in args.endpoints:
                    tokens = work / "tokens.json"
                    subprocess.run(
                        [sys.executable, str(PROJECT / "bench/load_driver.py"), "--base-url",
                         base, "--database", args.database, "--scenarios", "",
                         "--concurrency", "1", "--repeats", "0", "--tokens", str(tokens)],
                        check=True, cwd=PROJECT,
                    )  # fmt: skip
                    access = json.loads(tokens.read_text())["access"]
                master = psutil.Process(process.pid)
                procs = [master, *master.children(recursive=True)]
                target = {"name": f"threads={threads}", "base": base,
                          "host": f"127.0.0.1:{args.port}", "paths": PATHS,
                          "access": access or []}  # fmt: skip
                for endpoint in [e for e in args.endpoints.split(",") if e]:
                    run = wrk(target, endpoint, args.concurrency, args.duration, procs, work)
                    run.update(threads=threads, repeat=repeat)
                    runs.append(run)
            finally:
                stop(process)
    if args.out:
        Path(args.out).write_text(json.dumps({"args": vars(args), "runs": runs}, indent=1))
    print("wrk scripts:", WRK_DIR)


if __name__ == "__main__":
    main()
