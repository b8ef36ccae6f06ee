"""Test harness: real redis-server processes and the app served in-process.

* ``redis_factory`` starts real ``redis-server`` processes on free loopback
  ports (persistence off unless a test asks for AOF) and kills them all in
  teardown. A password is given to Redis the way compose does it: an
  ``include``d config file, never on the command line.
* ``serve(app)`` runs the app's ASGI lifespan (startup/shutdown, the same
  messages uvicorn sends) and yields an ``httpx.AsyncClient`` wired to the app
  through ``httpx.ASGITransport``: requests run concurrently on one event loop,
  like a single uvicorn worker.

Tests are plain functions that call ``run(coro)`` (asyncio.run), so no pytest
asyncio plugin is needed.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import AsyncIterator, Callable, List, Optional

import httpx
import pytest

APP_DIR = Path(__file__).resolve().parent.parent
if str(APP_DIR) not in sys.path:
    sys.path.insert(0, str(APP_DIR))


def run(coro):
    return asyncio.run(coro)


def free_port() -> int:
    """A loopback TCP port that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    """One real redis-server process on 127.0.0.1:<port>."""

    def __init__(self, binary: str, port: int, workdir: Path, password: Optional[str] = None, aof: bool = False):
        self.binary = binary
        self.port = port
        self.workdir = workdir
        self.password = password
        self.aof = aof
        self.proc: Optional[subprocess.Popen] = None
        self.logfile = workdir / f"redis-{port}.log"

    def argv(self) -> List[str]:
        argv = [
            self.binary,
            "--port", str(self.port),
            "--bind", "127.0.0.1",
            "--save", "",
            "--dir", str(self.workdir),
            "--daemonize", "no",
        ]
        if self.aof:
            # fsync every write before replying: a SIGKILL loses nothing.
            argv += ["--appendonly", "yes", "--appendfsync", "always"]
        else:
            argv += ["--appendonly", "no"]
        if self.password:
            argv += ["--include", str(self.auth_config())]
        return argv

    def auth_config(self) -> Path:
        """A config file with ``requirepass``, as docker-compose.yml mounts it for Redis."""
        path = self.workdir / f"redis-{self.port}-auth.conf"
        quoted = self.password.replace("\\", "\\\\").replace('"', '\\"')  # type: ignore[union-attr]
        path.write_text(f'requirepass "{quoted}"\n')
        path.chmod(0o600)
        return path

    def start(self, timeout: float = 10.0) -> "RedisServer":
        assert self.proc is None or self.proc.poll() is not None, "already running"
        log = open(self.logfile, "ab")
        try:
            self.proc = subprocess.Popen(self.argv(), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        finally:
            log.close()
        self.wait_ready(timeout)
        return self

    def _ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"*1\r\n$4\r\nPING\r\n")
                reply = s.recv(64)
        except OSError:
            return False
        # +PONG, or -NOAUTH when a password is required: either way it serves.
        return reply.startswith(b"+PONG") or reply.startswith(b"-NOAUTH")

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                pytest.fail(
                    f"redis-server on port {self.port} exited with {self.proc.returncode}:\n{self.log_tail()}",
                    pytrace=False,
                )
            if self._ping():
                return
            time.sleep(0.02)
        pytest.fail(f"redis-server on port {self.port} not ready after {timeout}s:\n{self.log_tail()}", pytrace=False)

    def log_tail(self) -> str:
        try:
            return "\n".join(self.logfile.read_text(errors="replace").splitlines()[-20:])
        except OSError:
            return "(no log)"

    def kill(self) -> None:
        """Crash it: SIGKILL, no shutdown, no final fsync."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)
            self.proc.kill()
            self.proc.wait(timeout=10)

    def pause(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGCONT)
        self.proc.terminate()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)

    def client(self, password: Optional[str] = None):
        """A plain synchronous client, to check the data behind the app's back."""
        import redis

        return redis.Redis(
            host="127.0.0.1",
            port=self.port,
            password=password if password is not None else self.password,
            socket_timeout=2,
            socket_connect_timeout=2,
        )

    def hits(self) -> Optional[int]:
        c = self.client()
        try:
            value = c.get("hits")
        finally:
            c.close()
        return None if value is None else int(value)


@pytest.fixture(scope="session")
def redis_server_bin() -> str:
    path = shutil.which("redis-server")
    if path is None:
        pytest.fail(
            "redis-server is not on PATH; these tests need a real Redis "
            "(Debian/Ubuntu: apt-get install redis-server)",
            pytrace=False,
        )
    return path


@pytest.fixture
def redis_factory(redis_server_bin: str, tmp_path: Path) -> Callable[..., RedisServer]:
    servers: List[RedisServer] = []

    def make(port: Optional[int] = None, password: Optional[str] = None, aof: bool = False) -> RedisServer:
        server = RedisServer(redis_server_bin, port or free_port(), tmp_path, password=password, aof=aof)
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()


@contextlib.asynccontextmanager
async def lifespan(app, timeout: float = 10.0) -> AsyncIterator[None]:
    """Drive the ASGI lifespan protocol the way uvicorn does."""
    to_app: asyncio.Queue = asyncio.Queue()
    from_app: asyncio.Queue = asyncio.Queue()

    async def receive():
        return await to_app.get()

    async def send(message):
        await from_app.put(message)

    scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": {}}
    task = asyncio.ensure_future(app(scope, receive, send))
    await to_app.put({"type": "lifespan.startup"})
    message = await asyncio.wait_for(from_app.get(), timeout)
    if message["type"] != "lifespan.startup.complete":
        with contextlib.suppress(BaseException):
            await asyncio.wait_for(task, timeout)
        raise RuntimeError(f"application startup failed: {message.get('message', message)}")
    try:
        yield
    finally:
        await to_app.put({"type": "lifespan.shutdown"})
        message = await asyncio.wait_for(from_app.get(), timeout)
        await asyncio.wait_for(task, timeout)
        if message["type"] != "lifespan.shutdown.complete":
            raise RuntimeError(f"application shutdown failed: {message.get('message', message)}")


@contextlib.asynccontextmanager
async def serve(app) -> AsyncIterator[httpx.AsyncClient]:
    async with lifespan(app):
        # AsyncClient(app=...) is gone from current httpx: wire it explicitly.
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client
