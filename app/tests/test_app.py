"""Behaviour of the visit counter against a real redis-server."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import warnings

import httpx
import pytest

from conftest import APP_DIR, free_port, lifespan, run, serve

import main
from main import Settings, create_app

# Short timeouts keep the failure tests fast; production defaults are 2 s.
SOCKET_TIMEOUT = 0.5


def settings_for(port: int, **overrides) -> Settings:
    values = dict(
        host="127.0.0.1",
        port=port,
        socket_timeout=SOCKET_TIMEOUT,
        connect_timeout=SOCKET_TIMEOUT,
        pool_timeout=SOCKET_TIMEOUT,
    )
    values.update(overrides)
    return Settings(**values)


def write_secret(tmp_path, content, name="redis-password"):
    """A password file as Kubernetes and compose mount it (bytes exactly as given)."""
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def settings_with_password_file(server, tmp_path) -> Settings:
    """Settings as the deployed app builds them: the password from a mounted file."""
    path = write_secret(tmp_path, f"{server.password}\n")
    return Settings.from_env({
        "REDIS_HOST": "127.0.0.1",
        "REDIS_PORT": str(server.port),
        "REDIS_PASSWORD_FILE": str(path),
        "REDIS_SOCKET_TIMEOUT": str(SOCKET_TIMEOUT),
    })


async def timed_get(client, path: str):
    started = time.monotonic()
    response = await client.get(path)
    return response, time.monotonic() - started


def assert_unavailable(response) -> None:
    assert response.status_code == 503, response.text
    assert response.json() == {"detail": "redis unavailable"}
    assert response.headers.get("retry-after") == "1"


# (a) ------------------------------------------------------------------------------
@pytest.mark.parametrize("requests", [200, 600])  # 600 > IncrBatcher.MAX_BATCH: several batches
def test_concurrent_requests_count_exactly(redis_factory, requests):
    server = redis_factory().start()
    app = create_app(settings_for(server.port, max_connections=4))

    async def scenario():
        async with serve(app) as client:
            responses = await asyncio.gather(*(client.get("/") for _ in range(requests)))
        assert [r.status_code for r in responses] == [200] * requests
        values = sorted(r.json()["hits"] for r in responses)
        assert values == list(range(1, requests + 1))  # each visitor its own number

    run(scenario())
    assert server.hits() == requests


# (b) ------------------------------------------------------------------------------
def test_readyz_is_503_until_redis_starts(redis_factory):
    port = free_port()  # nothing listens here yet
    server = redis_factory(port=port)
    app = create_app(settings_for(port))

    async def scenario():
        async with serve(app) as client:  # startup must not need Redis
            ready, elapsed = await timed_get(client, "/readyz")
            assert_unavailable(ready)
            assert elapsed < 1.0
            counter, elapsed = await timed_get(client, "/")
            assert_unavailable(counter)
            assert elapsed < 1.0
            assert (await client.get("/healthz")).status_code == 200

            server.start()

            ready = await client.get("/readyz")
            assert ready.status_code == 200, ready.text
            assert ready.json() == {"status": "ready"}
            counter = await client.get("/")
            assert counter.status_code == 200
            assert counter.json() == {"hits": 1}  # the failed attempt counted nothing

    run(scenario())
    assert server.hits() == 1


# (c) ------------------------------------------------------------------------------
def test_redis_crash_gives_fast_503_and_recovers_without_losing_or_doubling(redis_factory, tmp_path):
    # AOF with fsync on every write, so a SIGKILL loses nothing and the count
    # must carry on exactly where it stopped.
    server = redis_factory(aof=True, password="s3cret-pw").start()
    app = create_app(settings_with_password_file(server, tmp_path))

    async def scenario():
        async with serve(app) as client:
            # Concurrent warm-up: leaves ~20 live connections in the pool.
            first = await asyncio.gather(*(client.get("/") for _ in range(20)))
            assert sorted(r.json()["hits"] for r in first) == list(range(1, 21))

            server.kill()

            started = time.monotonic()
            for _ in range(10):
                response, elapsed = await timed_get(client, "/")
                assert_unavailable(response)
                assert elapsed < 1.0, f"503 took {elapsed:.2f}s"
            burst = await asyncio.gather(*(client.get("/") for _ in range(20)))
            for response in burst:
                assert_unavailable(response)
            assert time.monotonic() - started < 3.0
            assert_unavailable(await client.get("/readyz"))
            assert (await client.get("/healthz")).status_code == 200

            server.start()  # same port, same AOF file

            # No reconnect step by the test: the pool notices the dead sockets
            # when it hands them out and reconnects before sending anything.
            again = await asyncio.gather(*(client.get("/") for _ in range(20)))
            assert [r.status_code for r in again] == [200] * 20, [r.text for r in again]
            assert sorted(r.json()["hits"] for r in again) == list(range(21, 41))
            assert (await client.get("/readyz")).status_code == 200

    run(scenario())
    assert server.hits() == 40


def test_kill_9_under_load_loses_no_acknowledged_increment(redis_factory, tmp_path):
    """Redis is SIGKILLed while visitors keep requesting, then restarts from its AOF.

    Every number a visitor was shown (a 200) must survive: counting carries on above the
    highest one. Requests in flight at the kill get a 503; their INCR may or may not have
    been applied, so the count may exceed the acknowledged visits, never fall short of them.
    """
    server = redis_factory(aof=True, password="s3cret-pw").start()
    app = create_app(settings_with_password_file(server, tmp_path))
    acknowledged: list = []
    failed = 0
    running = True

    async def visitor(client):
        nonlocal failed
        while running:
            response = await client.get("/")
            if response.status_code == 200:
                acknowledged.append(response.json()["hits"])
            else:
                assert_unavailable(response)
                failed += 1
                await asyncio.sleep(0.01)

    async def scenario():
        nonlocal running
        async with serve(app) as client:
            visitors = [asyncio.ensure_future(visitor(client)) for _ in range(16)]
            while len(acknowledged) < 300:
                await asyncio.sleep(0.005)
            server.kill()  # blocks the loop for the kill only: INCRs already sent stay in flight
            await asyncio.sleep(0.3)
            running = False
            await asyncio.gather(*visitors)
            assert failed > 0  # the kill did land under load

            server.start()  # same port, same AOF file
            survived = server.hits()
            response = await client.get("/")
            assert response.status_code == 200, response.text
            return survived, response.json()["hits"]

    survived, next_hit = run(scenario())
    assert len(set(acknowledged)) == len(acknowledged)  # no number handed out twice
    assert survived >= max(acknowledged), f"acknowledged up to {max(acknowledged)}, {survived} after restart"
    assert next_hit == survived + 1


def test_stalled_redis_times_out_and_the_incr_is_never_retried(redis_factory):
    """A Redis that stops answering (SIGSTOP) gives 503s after the socket timeout.

    The INCR of the request in flight was already written to the socket, so
    Redis applies it when it wakes up: the outcome of a timed-out INCR is
    unknown to the app, which is why it must not be retried -- it is applied
    exactly once, never twice. Requests that queued up behind it were never
    sent: they fail with it and are not counted.
    """
    server = redis_factory().start()
    app = create_app(settings_for(server.port))

    async def scenario():
        async with serve(app) as client:
            assert (await client.get("/")).json() == {"hits": 1}
            server.pause()
            try:
                started = time.monotonic()
                in_flight = asyncio.ensure_future(client.get("/"))
                await asyncio.sleep(0.1)  # its INCR is written; Redis does not answer
                queued = [asyncio.ensure_future(client.get("/")) for _ in range(50)]
                responses = await asyncio.gather(in_flight, *queued)
                elapsed = time.monotonic() - started
                for response in responses:
                    assert_unavailable(response)
                assert elapsed < SOCKET_TIMEOUT + 1.0, f"took {elapsed:.2f}s"
            finally:
                server.resume()

            deadline = time.monotonic() + 5
            while server.hits() != 2 and time.monotonic() < deadline:
                await asyncio.sleep(0.02)
            await asyncio.sleep(0.3)  # a retry, or a queued request sent, would show up here
            assert server.hits() == 2

            response = await client.get("/")
            assert response.status_code == 200
            assert response.json() == {"hits": 3}

    run(scenario())


# (d) ------------------------------------------------------------------------------
def test_healthz_does_not_depend_on_redis():
    app = create_app(settings_for(free_port()))  # no Redis anywhere

    async def scenario():
        async with serve(app) as client:
            for _ in range(5):
                response, elapsed = await timed_get(client, "/healthz")
                assert response.status_code == 200
                assert response.json() == {"status": "ok"}
                assert elapsed < 0.5
            assert_unavailable(await client.get("/readyz"))

    run(scenario())


# (e) ------------------------------------------------------------------------------
def test_password_from_file(redis_factory, monkeypatch, tmp_path):
    server = redis_factory(password="s3cret-pw").start()
    monkeypatch.setenv("REDIS_HOST", "127.0.0.1")
    monkeypatch.setenv("REDIS_PORT", str(server.port))
    monkeypatch.setenv("REDIS_SOCKET_TIMEOUT", str(SOCKET_TIMEOUT))

    async def requests(content):
        if content is None:
            monkeypatch.delenv("REDIS_PASSWORD_FILE", raising=False)
        else:
            monkeypatch.setenv("REDIS_PASSWORD_FILE", str(write_secret(tmp_path, content)))
        app = create_app()  # reads the environment and the file at startup
        async with serve(app) as client:
            return [await client.get(path) for path in ("/", "/readyz", "/healthz")]

    # A file written with `echo` ends in a newline: it is not part of the password.
    counter, ready, health = run(requests("s3cret-pw\n"))
    assert counter.status_code == 200 and counter.json() == {"hits": 1}
    assert ready.status_code == 200
    assert health.status_code == 200

    for wrong in ("not-the-password\n", "s3cret-pw\n\n", None):
        counter, ready, health = run(requests(wrong))
        assert_unavailable(counter)
        assert_unavailable(ready)
        assert health.status_code == 200

    assert server.hits() == 1


def test_the_password_in_an_environment_value_is_not_used(redis_factory, monkeypatch):
    """Only a mounted file carries the password: an env value would show in the pod spec."""
    server = redis_factory(password="s3cret-pw").start()
    monkeypatch.setenv("REDIS_HOST", "127.0.0.1")
    monkeypatch.setenv("REDIS_PORT", str(server.port))
    monkeypatch.setenv("REDIS_PASSWORD", "s3cret-pw")
    monkeypatch.delenv("REDIS_PASSWORD_FILE", raising=False)
    app = create_app()

    async def scenario():
        async with serve(app) as client:
            assert_unavailable(await client.get("/"))
            assert app.state.settings.password is None

    run(scenario())


@pytest.mark.parametrize(
    "content, password",
    [
        ("pw", "pw"),
        ("pw\n", "pw"),              # echo pw > file
        ("pw\r\n", "pw"),           # a file saved with CRLF line endings
        ("pw\n\n", "pw\n"),        # only ONE line ending is removed
        (" pw \t\n", " pw \t"),    # other whitespace is part of the password
        ("p\u00e4ss w\u00f6rd\n", "p\u00e4ss w\u00f6rd"),  # UTF-8
    ],
)
def test_password_file_content(tmp_path, content, password):
    path = write_secret(tmp_path, content)
    assert Settings.from_env({"REDIS_PASSWORD_FILE": str(path)}).password == password


def test_password_file_unset_or_empty_variable_means_no_auth():
    assert Settings.from_env({}).password is None
    assert Settings.from_env({"REDIS_PASSWORD_FILE": ""}).password is None


def assert_one_line_naming(exc, *parts):
    message = str(exc.value)
    assert "\n" not in message, message
    for part in parts:
        assert part in message, message


@pytest.mark.parametrize("content", ["", "\n", "\r\n"])
def test_an_empty_password_file_stops_startup(tmp_path, content):
    path = write_secret(tmp_path, content)
    with pytest.raises(ValueError) as exc:
        Settings.from_env({"REDIS_PASSWORD_FILE": str(path)})
    assert_one_line_naming(exc, "REDIS_PASSWORD_FILE", str(path), "empty")


def test_a_missing_or_unreadable_password_file_stops_startup(tmp_path):
    for path in (tmp_path / "nope", tmp_path):  # missing; a directory (unreadable as a file)
        with pytest.raises(ValueError) as exc:
            Settings.from_env({"REDIS_PASSWORD_FILE": str(path)})
        assert_one_line_naming(exc, "REDIS_PASSWORD_FILE", str(path))


def test_a_password_file_that_is_not_utf8_stops_startup(tmp_path):
    path = write_secret(tmp_path, b"\xff\xfe\n")
    with pytest.raises(ValueError) as exc:
        Settings.from_env({"REDIS_PASSWORD_FILE": str(path)})
    assert_one_line_naming(exc, "REDIS_PASSWORD_FILE", str(path), "UTF-8")


def test_the_password_file_is_read_once_at_startup(redis_factory, monkeypatch, tmp_path):
    """Connections opened later (the pool is lazy) use the password read at startup."""
    server = redis_factory(password="s3cret-pw").start()
    path = write_secret(tmp_path, "s3cret-pw\n")
    monkeypatch.setenv("REDIS_HOST", "127.0.0.1")
    monkeypatch.setenv("REDIS_PORT", str(server.port))
    monkeypatch.setenv("REDIS_PASSWORD_FILE", str(path))
    app = create_app()

    async def scenario():
        async with lifespan(app):
            path.unlink()  # gone before the first connection is opened
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
                responses = await asyncio.gather(*(client.get("/") for _ in range(10)))
        assert sorted(r.json()["hits"] for r in responses) == list(range(1, 11))

    run(scenario())


def test_uvicorn_exits_at_startup_naming_the_missing_password_file(tmp_path):
    """What an operator sees: the process exits non-zero and the log names the variable and file."""
    missing = tmp_path / "no-such-dir" / "redis-password"
    env = {k: v for k, v in os.environ.items() if not k.startswith("REDIS_")}
    env.update(REDIS_HOST="127.0.0.1", REDIS_PORT=str(free_port()), REDIS_PASSWORD_FILE=str(missing))
    proc = subprocess.run(
        [sys.executable, "-m", "uvicorn", "main:app", "--app-dir", str(APP_DIR),
         "--host", "127.0.0.1", "--port", str(free_port())],
        env=env, capture_output=True, text=True, timeout=30,
    )
    assert proc.returncode != 0
    lines = [line for line in proc.stderr.splitlines() if "REDIS_PASSWORD_FILE" in line]
    assert lines and str(missing) in lines[-1], proc.stderr


# batching and error replies -------------------------------------------------------
def test_error_reply_from_redis_is_a_503_not_a_500(redis_factory):
    server = redis_factory().start()
    app = create_app(settings_for(server.port))
    c = server.client()
    c.set("hits", "not-a-number")  # INCR now answers "-ERR value is not an integer"
    c.close()

    async def scenario():
        async with serve(app) as client:
            responses = await asyncio.gather(*(client.get("/") for _ in range(5)))
            for response in responses:
                assert_unavailable(response)
            assert (await client.get("/readyz")).status_code == 200  # Redis itself is fine

    run(scenario())


def test_batched_incr_skips_callers_that_went_away(redis_factory):
    """A request cancelled before its INCR was sent is never counted."""
    server = redis_factory().start()
    app = create_app(settings_for(server.port))

    async def scenario():
        async with lifespan(app):
            counter = app.state.counter
            tasks = [asyncio.ensure_future(counter.incr()) for _ in range(5)]
            await asyncio.sleep(0)  # all five queued; the batch is not sent yet
            tasks[1].cancel()
            tasks[3].cancel()
            done = await asyncio.gather(*tasks, return_exceptions=True)
            assert isinstance(done[1], asyncio.CancelledError)
            assert isinstance(done[3], asyncio.CancelledError)
            assert sorted(done[i] for i in (0, 2, 4)) == [1, 2, 3]

    run(scenario())
    assert server.hits() == 3


# configuration and compatibility ---------------------------------------------------
def test_settings_from_env_defaults_and_validation():
    s = Settings.from_env({})
    assert (s.host, s.port, s.password, s.db, s.socket_timeout) == ("redis", 6379, None, 0, 2.0)
    assert s.connect_timeout == s.pool_timeout == 2.0

    s = Settings.from_env(
        {
            "REDIS_HOST": "cache",
            "REDIS_PORT": "6380",
            "REDIS_DB": "3",
            "REDIS_SOCKET_TIMEOUT": "0.25",
        }
    )
    assert (s.host, s.port, s.db) == ("cache", 6380, 3)
    assert s.socket_timeout == s.connect_timeout == s.pool_timeout == 0.25
    assert "s3cret" not in repr(Settings(password="s3cret"))
    for bad in ({"REDIS_PORT": "http"}, {"REDIS_PORT": "0"}, {"REDIS_SOCKET_TIMEOUT": "0"},
                {"REDIS_SOCKET_TIMEOUT": "nan"}, {"REDIS_DB": "-1"}):
        with pytest.raises(ValueError, match=next(iter(bad))):
            Settings.from_env(bad)


class ReplyDroppingProxy:
    """A TCP proxy in front of a real Redis that can lose one reply on purpose.

    ``drop_next_reply()``: the next reply Redis sends is thrown away and that
    connection is closed -- the command was executed, the client never learns
    it. This is the failure after which a retried INCR counts a visit twice.
    """

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.port = 0
        self.dropped = 0
        self._drop = False
        self._server: "asyncio.AbstractServer | None" = None
        self._tasks: "set[asyncio.Task[None]]" = set()

    def drop_next_reply(self) -> None:
        self._drop = True

    async def __aenter__(self) -> "ReplyDroppingProxy":
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._server.wait_closed()

    async def _handle(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        redis_r, redis_w = await asyncio.open_connection("127.0.0.1", self.upstream_port)

        async def pump(reader, writer, replies: bool) -> None:
            try:
                while data := await reader.read(65536):
                    if replies and self._drop:
                        self._drop = False
                        self.dropped += 1
                        break
                    writer.write(data)
                    await writer.drain()
            except (ConnectionError, asyncio.CancelledError):
                pass
            finally:
                for w in (client_w, redis_w):
                    w.close()

        tasks = [asyncio.ensure_future(pump(client_r, redis_w, False)), asyncio.ensure_future(pump(redis_r, client_w, True))]
        self._tasks.update(tasks)
        await asyncio.gather(*tasks, return_exceptions=True)
        self._tasks.difference_update(tasks)


def lost_reply_scenario(server, app_retry=None):
    """One counted visit, then one whose INCR reply is lost, then one more.

    Returns the status of the request whose reply was lost and Redis's count right after it.
    """

    async def scenario():
        async with ReplyDroppingProxy(server.port) as proxy:
            app = create_app(settings_for(proxy.port))
            async with serve(app) as client:
                assert (await client.get("/")).json() == {"hits": 1}
                proxy.drop_next_reply()
                response = await client.get("/")
                assert proxy.dropped == 1
                hits_after = server.hits()
                if response.status_code == 503:
                    assert_unavailable(response)
                    after = await client.get("/")
                    assert after.status_code == 200 and after.json() == {"hits": hits_after + 1}
                return response.status_code, hits_after

    return run(scenario())


def test_a_lost_incr_reply_is_not_retried_so_the_visit_counts_once(redis_factory):
    """redis-py 7 retries a command whose connection failed, three times, by default.

    Redis executed the INCR and only its reply was lost: a retry would send it
    again and count the visit twice. The app answers 503 instead and Redis has
    counted it exactly once.
    """
    server = redis_factory().start()
    status, hits = lost_reply_scenario(server)
    assert status == 503
    assert hits == 2  # the warm-up visit and the lost-reply visit, each once


def test_with_redis_py_default_retry_the_same_fault_counts_twice(redis_factory, monkeypatch):
    """The fault above is one redis-py's own default policy turns into a double count.

    ``redis.asyncio.Redis(host=...)`` retries 3 times (exponential backoff with
    jitter) on redis-py 7; the app's explicit ``_no_retry`` is what prevents it.
    This also shows the test above would catch a retry.
    """
    import inspect

    import redis.asyncio as aioredis

    default_retry = inspect.signature(aioredis.Redis.__init__).parameters["retry"].default
    assert default_retry.get_retries() == 3
    monkeypatch.setattr(main, "_no_retry", lambda: default_retry)
    server = redis_factory().start()
    status, hits = lost_reply_scenario(server)
    assert status == 200
    assert hits == 3  # the lost-reply visit was sent twice


def test_redis_client_is_configured_never_to_retry(redis_factory):
    server = redis_factory().start()
    app = create_app(settings_for(server.port))

    async def scenario():
        async with lifespan(app):
            kwargs = app.state.redis.connection_pool.connection_kwargs
            assert kwargs["retry_on_timeout"] is False
            assert kwargs["retry"]._retries == 0

    run(scenario())


def test_startup_and_shutdown_emit_no_deprecation_warnings(redis_factory):
    server = redis_factory().start()

    async def scenario():
        app = create_app(settings_for(server.port))
        async with serve(app) as client:
            assert (await client.get("/")).status_code == 200

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run(scenario())
    deprecations = [w for w in caught if issubclass(w.category, (DeprecationWarning, PendingDeprecationWarning))]
    assert not deprecations, [f"{w.filename}:{w.lineno}: {w.message}" for w in deprecations]


def test_module_exposes_app():
    assert main.app.title == "visit-counter"
    paths = {route.path for route in main.app.routes}
    assert {"/", "/healthz", "/readyz"} <= paths
