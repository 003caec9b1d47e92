"""The cost of Django's request cycle on the cached protocol endpoints (discovery, JWKS).

    .venv/bin/python bench/request_cycle.py --database kiosque_bench_cycle [--tree DIR]
        [--http] [--serve-args "--keepalive 5"] [--duration 10] [--connections 8]

In-process: CPU milliseconds per request of a WSGI call of kiosque.wsgi.application (the whole
middleware stack, no HTTP server), best of 3 rounds. With `--http`: `kiosque serve` of the tree
(bench/bench_settings.py, no access log, no worker recycling, as bench/load_driver.py runs it),
wrk (1 thread, C connections) on each endpoint, and the gunicorn processes' user + system CPU
per answered request (psutil). `--tree` measures another checkout (a `git archive` of the commit
before, for an A/B run: alternate them, the machine may be shared). The database must exist and
be migrated (`kiosque migrate` with its DATABASE_URL); no data is needed.
"""

import argparse
import io
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

PATHS = ("/.well-known/openid-configuration", "/oidc/jwks/")
PROJECT = Path(__file__).resolve().parent.parent


def environment(tree: Path, database: str, port: int) -> dict:
    return {
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
        "KIOSQUE_DATA_DIR": str(PROJECT / "var" / "bench"),
        "KIOSQUE_ENV": "dev",
        "KIOSQUE_LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "PYTHONPATH": f"{tree}{os.pathsep}{tree / 'bench'}",
        "KIOSQUE_BASE_URL": f"http://127.0.0.1:{port}",
    }


def in_process(requests: int) -> None:
    """Run in a child process whose environment names the tree (see main)."""
    from kiosque.wsgi import application

    def call(path):
        environ = {
            "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "HTTP_HOST": "127.0.0.1",
            "REMOTE_ADDR": "127.0.0.1", "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_ACCEPT": "*/*",
            "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(b""), "wsgi.errors": sys.stderr,
            "wsgi.multithread": True, "wsgi.multiprocess": True, "wsgi.run_once": False,
        }  # fmt: skip
        body = application(environ, lambda status, headers, exc_info=None: None)
        b"".join(body)
        body.close()

    for path in PATHS:
        for _ in range(300):
            call(path)
        best = float("inf")
        for _ in range(3):
            started = time.process_time()
            for _ in range(requests):
                call(path)
            best = min(best, (time.process_time() - started) * 1000 / requests)
        print(f"in-process {path}: {best:.3f} ms CPU/request (best of 3 x {requests})")


def over_http(tree: Path, env: dict, args) -> None:
    import psutil

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from load_driver import tree_cpu_seconds

    port = args.port
    base = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "kiosque", "serve", "--bind", f"127.0.0.1:{port}",
               "--access-log", "", "--max-requests", "0", *args.serve_args.split()]  # fmt: skip
    web = subprocess.Popen(command, env=env, cwd=tree, start_new_session=True)
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(base + PATHS[0], timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        master = psutil.Process(web.pid)

        def cpu():
            return tree_cpu_seconds(master)

        for path in PATHS:
            subprocess.run(["wrk", "-t1", "-c8", "-d2s", base + path], capture_output=True)
            before = cpu()
            wrk = ["wrk", "-t1", f"-c{args.connections}", f"-d{args.duration}s", "--latency"]
            out = subprocess.run([*wrk, base + path], capture_output=True, text=True).stdout
            spent = cpu() - before
            answered = int(re.search(r"(\d+) requests in", out).group(1))
            rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
            p99 = re.search(r"99%\s+(\S+)", out).group(1)
            errors = re.search(r"Socket errors:.*|Non-2xx.*", out)
            print(
                f"http {path} c={args.connections} {args.serve_args or '(defaults)'}: "
                f"{rate:,.0f} req/s, {spent * 1000 / answered:.2f} ms CPU/request, p99 {p99}, "
                f"errors: {errors.group(0) if errors else 0}, load {os.getloadavg()[0]:.1f}"
            )
    finally:
        os.killpg(web.pid, signal.SIGTERM)
        web.wait(20)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--tree", type=Path, default=PROJECT)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--http", action="store_true")
    parser.add_argument("--serve-args", default="")
    parser.add_argument("--port", type=int, default=8731)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--in-process-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.in_process_child:
        return in_process(args.requests)
    tree = args.tree.resolve()
    env = {**os.environ, **environment(tree, args.database, args.port)}
    child = [sys.executable, __file__, "--in-process-child", "--database", args.database]
    subprocess.run([*child, "--requests", str(args.requests)], env=env, cwd=tree, check=True)
    if args.http:
        over_http(tree, env, args)


if __name__ == "__main__":
    main()
