"""Throwaway PostgreSQL clusters and Redis servers for tests that stop, restart or share them.

Never the machine's services: each helper runs its own server on a free loopback port with its
data in a private temporary directory, and removes it afterwards.

    with throwaway_postgres() as pg, throwaway_redis() as redis:
        env = clean_env(tmp_path, DATABASE_URL=pg.url("kiosque"), REDIS_URL=redis.url())
        pg.restart()          # or pg.stop() ... pg.start()

PostgreSQL refuses to run as root: when we are root its commands run as the `postgres` OS user
(runuser), and the data directory belongs to that user.
"""

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from kiosque.testing.processes import free_port


def _newest_pg_bin() -> Path:
    """Debian's server binaries of the newest installed PostgreSQL (package `postgresql`)."""
    installed = sorted(
        (
            path
            for path in Path("/usr/lib/postgresql").glob("*/bin/initdb")
            if path.parts[-3].isdigit()
        ),
        key=lambda path: int(path.parts[-3]),
    )
    return installed[-1].parent if installed else Path("/usr/lib/postgresql/15/bin")


PG_BIN = Path(os.environ.get("KIOSQUE_PG_BIN") or _newest_pg_bin())
PG_OS_USER = "postgres"
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def _as_postgres(command: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", PG_OS_USER, "--", *command]
    return command


def _private_dir(prefix: str, owner: str | None = None) -> Path:
    path = Path(tempfile.mkdtemp(prefix=prefix))
    if owner and os.geteuid() == 0:
        shutil.chown(path, owner, owner)
    return path


class ThrowawayPostgres:
    """A PostgreSQL cluster of our own: initdb, start, stop, restart, createdb."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.root = _private_dir("kiosque-pg-", PG_OS_USER)
        self.data_dir = self.root / "data"
        self.log_path = self.root / "postgres.log"
        self._initialised = False

    def _run(self, *command: str, timeout: float = 60) -> subprocess.CompletedProcess:
        result = subprocess.run(  # noqa: S603 - fixed binaries, no shell
            _as_postgres([str(PG_BIN / command[0]), *command[1:]]),
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=self.root,
        )
        if result.returncode != 0:
            log = self.log_path.read_text() if self.log_path.exists() else ""
            raise RuntimeError(f"{command[0]} failed: {result.stderr}{result.stdout}\n{log}")
        return result

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data_dir), "-A", "trust", "-U", "postgres", "-N")
        self._initialised = True

    def start(self) -> None:
        if not self._initialised:
            self.init()
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=200"
        )
        self._run(
            "pg_ctl", "-D", str(self.data_dir), "-l", str(self.log_path), "-o", options, "-w",
            "start",
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data_dir), "-m", mode, "-w", "stop")

    def restart(self, mode: str = "fast") -> None:
        self.stop(mode)
        self.start()

    @property
    def running(self) -> bool:
        result = subprocess.run(  # noqa: S603
            [str(PG_BIN / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port), "-q"],
            check=False,
        )
        return result.returncode == 0

    def createdb(self, name: str) -> str:
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)
        return self.url(name)

    def psql(self, database: str, sql: str) -> str:
        result = self._run(
            "psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", database,
            "-At", "-c", sql,
        )  # fmt: skip
        return result.stdout.strip()

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def destroy(self) -> None:
        if self.running:
            with contextlib.suppress(RuntimeError):
                self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


class ThrowawayRedis:
    """A redis-server of our own, without persistence."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.root = _private_dir("kiosque-redis-")
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        if self.process is not None and self.process.poll() is None:
            return
        log = open(self.root / "redis.log", "a")  # noqa: SIM115 - owned by the process
        self.process = subprocess.Popen(  # noqa: S603
            [
                REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no", "--dir", str(self.root),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        log.close()
        self._wait(up=True)

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None
        self._wait(up=False)

    def _answers(self) -> bool:
        import socket

        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def _wait(self, *, up: bool, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while self._answers() != up:
            if time.monotonic() > deadline:
                raise TimeoutError(f"redis on port {self.port} did not {'start' if up else 'stop'}")
            time.sleep(0.05)

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


@contextmanager
def throwaway_postgres():
    cluster = ThrowawayPostgres()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.destroy()


@contextmanager
def throwaway_redis():
    server = ThrowawayRedis()
    try:
        server.start()
        yield server
    finally:
        server.destroy()
