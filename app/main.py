"""Visit counter: a small FastAPI service that counts hits in Redis.

Endpoints
---------
``GET /``         INCR the Redis key ``hits`` and return ``{"hits": N}``; each
                  request gets its own INCR and its own number. The INCRs of
                  concurrent requests are written to Redis together, as one
                  pipeline (``IncrBatcher``), never retried. If Redis
                  cannot be reached (down, restarting, wrong password,
                  stalled) the answer is ``503 {"detail": "redis unavailable"}``
                  with ``Retry-After: 1`` -- never a 500, never a hang.
``GET /healthz``  Liveness: ``200 {"status": "ok"}``; does not touch Redis, so a
                  Redis outage never makes Kubernetes restart this container.
``GET /readyz``   Readiness: ``200 {"status": "ready"}`` when Redis answers PING,
                  otherwise ``503 {"detail": "redis unavailable"}``.

Environment variables (read once, at application startup)
---------------------------------------------------------
``REDIS_HOST``                   Redis host name.                default ``redis``
``REDIS_PORT``                   Redis TCP port.                 default ``6379``
``REDIS_PASSWORD_FILE``          Path of a file holding the AUTH password (a mounted
                                 Secret); unset or empty means no AUTH. The file is
                                 read once, at startup: a new password needs a restart.
                                 One trailing line ending (``\n`` or ``\r\n``) is not
                                 part of the password; all other bytes are (UTF-8).
                                 A missing, unreadable or empty file stops startup
                                 with an error naming the variable and the path.
                                 There is deliberately no variable carrying the
                                 password itself: an env value is visible in the pod
                                 spec and in the process environment.
``REDIS_USERNAME``               ACL user name (Redis 6+); unset means the default user.
``REDIS_DB``                     Logical database number.        default ``0``
``REDIS_SOCKET_TIMEOUT``         Seconds to wait for a reply.    default ``2``
``REDIS_CONNECT_TIMEOUT``        Seconds to open a connection (DNS + TCP + AUTH).
                                 default: ``REDIS_SOCKET_TIMEOUT``
``REDIS_MAX_CONNECTIONS``        Size of the connection pool.    default ``50``
``REDIS_POOL_TIMEOUT``           Seconds a request waits for a free pooled
                                 connection when all are busy.   default: ``REDIS_SOCKET_TIMEOUT``
``REDIS_HEALTH_CHECK_INTERVAL``  A pooled connection idle for longer than this
                                 many seconds is PINGed before it is used again
                                 (catches half-open TCP connections); ``0`` turns
                                 it off.                         default ``30``

Every wait is bounded: against a stalled Redis one batch fails after at most
about POOL_TIMEOUT + CONNECT_TIMEOUT + 2 x SOCKET_TIMEOUT (health-check PING plus
the command), and the requests queued behind it fail with it; in practice the
pool is never contended (one batch at a time) and the limit is the socket
timeout. A Redis that is simply gone (connection refused) fails in milliseconds.

Run it with ONE uvicorn process per container (scale with replicas)::

    uvicorn main:app --app-dir app --host 0.0.0.0 --port 8000

Versions: the image installs requirements.lock (FastAPI 0.121, redis-py 7.0, uvicorn 0.38
on Python 3.13) and the tests run on exactly that lock. The code needs FastAPI >= 0.93
(``lifespan=``) and redis-py >= 5 (``aclose()``); whatever redis-py's own retry default
is, retries stay off (see ``_no_retry``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from dataclasses import dataclass
from typing import Any, AsyncIterator, Dict, List, Mapping, Optional

import redis.asyncio as aioredis
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

__all__ = ["app", "create_app", "Settings", "IncrBatcher", "COUNTER_KEY"]

COUNTER_KEY = "hits"

# A child of uvicorn's error logger: same handler, format and --log-level as uvicorn.
log = logging.getLogger("uvicorn.error").getChild("counter")

# Everything that means "Redis did not (provably) do what we asked".
# redis-py wraps socket errors in redis.exceptions.ConnectionError/TimeoutError
# (both RedisError, as are AuthenticationError, BusyLoadingError, ResponseError);
# OSError/asyncio.TimeoutError are caught as well in case a raw one slips through.
_REDIS_FAILURES = (RedisError, OSError, asyncio.TimeoutError)

_UNAVAILABLE_BODY = {"detail": "redis unavailable"}


# --------------------------------------------------------------------------- config
def _env_str(env: Mapping[str, str], name: str, default: Optional[str]) -> Optional[str]:
    value = env.get(name)
    if value is None or value.strip() == "":
        return default
    return value


def _env_int(env: Mapping[str, str], name: str, default: int, minimum: int, maximum: int) -> int:
    raw = _env_str(env, name, None)
    if raw is None:
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ValueError(f"{name} must be an integer, got {raw!r}") from None
    if not minimum <= value <= maximum:
        raise ValueError(f"{name} must be between {minimum} and {maximum}, got {value}")
    return value


def _env_float(env: Mapping[str, str], name: str, default: float, allow_zero: bool = False) -> float:
    raw = _env_str(env, name, None)
    if raw is None:
        return default
    try:
        value = float(raw.strip())
    except ValueError:
        raise ValueError(f"{name} must be a number of seconds, got {raw!r}") from None
    if value != value or value in (float("inf"), float("-inf")) or value < 0 or (value == 0 and not allow_zero):
        qualifier = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be a finite number {qualifier}, got {raw!r}")
    return value


def _read_password_file(env: Mapping[str, str], name: str) -> Optional[str]:
    """The password in the file named by ``env[name]``; None when the variable is unset or empty.

    Errors are one line naming the variable and the path: the operator sees it as the last
    line of uvicorn's startup failure.
    """
    path = _env_str(env, name, None)
    if path is None:
        return None
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as exc:
        raise ValueError(f"{name}={path}: cannot read the password file: {exc.strerror or exc}") from None
    # `echo pw > file` and `kubectl create secret --from-file` keep the editor's final newline;
    # exactly one line ending goes, anything else (spaces, a second newline) is the password's.
    if raw.endswith(b"\r\n"):
        raw = raw[:-2]
    elif raw.endswith(b"\n"):
        raw = raw[:-1]
    if not raw:
        raise ValueError(f"{name}={path}: the password file is empty")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"{name}={path}: the password file is not UTF-8 text") from None


@dataclass(frozen=True)
class Settings:
    """Redis connection settings. ``Settings.from_env()`` documents the defaults."""

    host: str = "redis"
    port: int = 6379
    password: Optional[str] = None
    username: Optional[str] = None
    db: int = 0
    socket_timeout: float = 2.0
    connect_timeout: float = 2.0
    max_connections: int = 50
    pool_timeout: float = 2.0
    health_check_interval: float = 30.0

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> "Settings":
        env = os.environ if env is None else env
        socket_timeout = _env_float(env, "REDIS_SOCKET_TIMEOUT", 2.0)
        return cls(
            host=_env_str(env, "REDIS_HOST", "redis"),  # type: ignore[arg-type]
            port=_env_int(env, "REDIS_PORT", 6379, 1, 65535),
            password=_read_password_file(env, "REDIS_PASSWORD_FILE"),
            username=_env_str(env, "REDIS_USERNAME", None),
            db=_env_int(env, "REDIS_DB", 0, 0, 1_000_000),
            socket_timeout=socket_timeout,
            connect_timeout=_env_float(env, "REDIS_CONNECT_TIMEOUT", socket_timeout),
            max_connections=_env_int(env, "REDIS_MAX_CONNECTIONS", 50, 1, 100_000),
            pool_timeout=_env_float(env, "REDIS_POOL_TIMEOUT", socket_timeout),
            health_check_interval=_env_float(env, "REDIS_HEALTH_CHECK_INTERVAL", 30.0, allow_zero=True),
        )

    def __repr__(self) -> str:  # never log the password
        shown = {k: v for k, v in self.__dict__.items() if k != "password"}
        shown["password"] = "***" if self.password else None
        return f"Settings({', '.join(f'{k}={v!r}' for k, v in shown.items())})"


def _no_retry() -> Retry:
    # NO RETRIES, ON PURPOSE.
    #
    # INCR is not idempotent. When a command fails with a timeout or a dropped
    # connection we cannot tell whether Redis executed it: the request may have
    # reached Redis and only the reply was lost. Retrying it would then count
    # the visit twice. redis-py >= 6 retries ConnectionError/TimeoutError three
    # times BY DEFAULT (with a new connection each time), so the policy has to be
    # switched off explicitly, on the pool's connections and on the client (the
    # tests lose an INCR's reply on purpose and check that it is counted once).
    #
    # A retry would be safe only when the command provably never left this
    # process (the connection failed before it was written). redis-py already
    # covers the common case of that without any retry: a pooled connection
    # that the server has closed (e.g. Redis restarted) is detected and
    # reconnected when it is taken from the pool, before the command is sent.
    # Every other failure becomes a 503, so the caller knows the visit may not
    # have been counted and may try again itself. After a *timeout* the outcome
    # is genuinely unknown (the INCR may still be applied, exactly once) --
    # that is inherent to a non-idempotent command; it is never applied twice.
    #
    # We also never wrap Redis calls in asyncio.wait_for()/cancellation: all
    # limits are socket-level timeouts. Cancelling a redis-py command midway
    # can leave an unread reply on a pooled connection and hand it to the next
    # caller (CVE-2023-28858/28859, fixed in redis-py 4.5.4; the socket timeouts
    # make such cancellation unnecessary on any version).
    return Retry(NoBackoff(), 0)


def _pool_kwargs(settings: Settings) -> Dict[str, Any]:
    kwargs: Dict[str, Any] = dict(
        host=settings.host,
        port=settings.port,
        db=settings.db,
        password=settings.password,
        socket_timeout=settings.socket_timeout,
        socket_connect_timeout=settings.connect_timeout,
        socket_keepalive=True,
        health_check_interval=settings.health_check_interval,
        retry_on_timeout=False,
        retry=_no_retry(),
        # BlockingConnectionPool: when all connections are busy a request waits
        # (bounded by pool_timeout) instead of failing at once or opening an
        # unbounded number of connections.
        max_connections=settings.max_connections,
        timeout=settings.pool_timeout,
    )
    if settings.username:
        kwargs["username"] = settings.username
    return kwargs


async def _close_redis(client: aioredis.Redis, pool: aioredis.ConnectionPool) -> None:
    """Close the client, then the pool (a pool passed in is not closed by the client)."""
    for obj in (client, pool):
        try:
            await obj.aclose()
        except Exception:  # shutting down: report, but keep going
            log.warning("error while closing Redis %s", type(obj).__name__, exc_info=True)


# --------------------------------------------------------------------------- batching
def _fail(futures: List["asyncio.Future[int]"], exc: BaseException) -> None:
    error = exc if isinstance(exc, Exception) else RedisError(f"redis batch aborted: {exc!r}")
    for future in futures:
        if not future.done():
            future.set_exception(error)


class IncrBatcher:
    """Send the INCRs of concurrent requests to Redis together, one round trip.

    Every request still gets its own ``INCR hits`` and its own reply (so every
    visitor sees a distinct number); only the writing is shared: while one
    batch is in flight, newly arriving requests queue up, and the next batch
    sends all of them as one non-transactional pipeline. Idle or lightly loaded,
    a batch holds one command and this is a plain INCR. Under load it removes
    most of redis-py's per-command overhead, which is what limits a single
    Python process (see bench/RESULTS.md).

    Failures: a failed batch fails every request in it with the same error ->
    503 each, and -- as for a single INCR -- nothing is retried. As with a
    single command, a request whose INCR had already been written when the
    connection failed or timed out may still have been counted (once).
    The requests queued behind a failed batch fail with it, unsent and
    uncounted. A request whose caller went away before its batch was sent is
    dropped from the batch, so it is never counted either.
    """

    MAX_BATCH = 256

    def __init__(self, client: Any, key: str) -> None:
        self._client = client
        self._key = key
        self._waiting: List["asyncio.Future[int]"] = []
        self._flusher: Optional["asyncio.Task[None]"] = None

    async def incr(self) -> int:
        loop = asyncio.get_running_loop()
        future: "asyncio.Future[int]" = loop.create_future()
        self._waiting.append(future)
        if self._flusher is None:
            self._flusher = loop.create_task(self._flush())
        return await future

    async def _flush(self) -> None:
        try:
            while self._waiting:
                batch = [f for f in self._waiting[: self.MAX_BATCH] if not f.done()]
                del self._waiting[: self.MAX_BATCH]
                if batch:
                    await self._send(batch)
        except BaseException as exc:  # cancelled (shutdown) or a bug: fail, never strand, the rest
            waiting, self._waiting = self._waiting, []
            _fail(waiting, exc)
            raise
        finally:
            self._flusher = None

    async def _send(self, batch: List["asyncio.Future[int]"]) -> None:
        try:
            pipe = self._client.pipeline(transaction=False)
            for _ in batch:
                pipe.incr(self._key)
            # raise_on_error=False: a per-command error reply comes back in its slot
            results = await pipe.execute(raise_on_error=False)
            if len(results) != len(batch):
                raise RedisError(f"pipeline returned {len(results)} replies for {len(batch)} commands")
        except BaseException as exc:
            _fail(batch, exc)
            if isinstance(exc, Exception):
                # The requests that queued up meanwhile have sent nothing yet, so
                # failing them is safe (they are not counted) -- and it keeps
                # every wait bounded: against a stalled Redis they would
                # otherwise time out one batch after another.
                waiting, self._waiting = self._waiting, []
                _fail(waiting, exc)
                return
            raise
        for future, result in zip(batch, results):
            if future.done():
                continue
            if isinstance(result, BaseException):
                future.set_exception(result)
            else:
                future.set_result(result)

    async def drain(self, timeout: float) -> None:
        """Wait (bounded) for the batch in flight, e.g. at shutdown."""
        flusher = self._flusher
        if flusher is not None:
            await asyncio.wait({flusher}, timeout=timeout)


# --------------------------------------------------------------------------- app
def _unavailable() -> JSONResponse:
    return JSONResponse(_UNAVAILABLE_BODY, status_code=503, headers={"Retry-After": "1"})


def _note_redis_state(app: FastAPI, ok: bool, exc: Optional[BaseException] = None) -> None:
    """Log only the transitions up -> down -> up, not every failed request."""
    previous = getattr(app.state, "redis_ok", None)
    app.state.redis_ok = ok
    if ok and previous is False:
        log.info("redis is reachable again")
    elif not ok and previous is not False:
        log.warning("redis unavailable: %s: %s", type(exc).__name__, exc)


def create_app(settings: Optional[Settings] = None) -> FastAPI:
    """Build the application.

    ``settings=None`` (what ``app`` uses) reads the environment at startup, so
    the same module works for every deployment and in tests.
    """

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        cfg = settings if settings is not None else Settings.from_env()
        # The pool connects lazily: startup succeeds even while Redis is down
        # (/readyz reports it), and a lost connection is re-opened on next use.
        pool = aioredis.BlockingConnectionPool(**_pool_kwargs(cfg))
        client = aioredis.Redis(connection_pool=pool, retry=_no_retry())
        counter = IncrBatcher(client, COUNTER_KEY)
        app.state.settings = cfg
        app.state.redis = client
        app.state.counter = counter
        app.state.redis_ok = None
        log.info("counter started with %r", cfg)
        try:
            yield
        finally:
            # Every Redis wait is bounded, so a batch in flight ends by itself.
            await counter.drain(timeout=cfg.pool_timeout + cfg.connect_timeout + 2 * cfg.socket_timeout)
            await _close_redis(client, pool)

    app = FastAPI(title="visit-counter", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)

    @app.get("/")
    async def count(request: Request) -> Response:
        try:
            hits = await request.app.state.counter.incr()
        except _REDIS_FAILURES as exc:
            _note_redis_state(request.app, False, exc)
            return _unavailable()
        _note_redis_state(request.app, True)
        return JSONResponse({"hits": hits}, headers={"Cache-Control": "no-store"})

    @app.get("/healthz")
    async def healthz() -> Response:
        return JSONResponse({"status": "ok"})

    @app.get("/readyz")
    async def readyz(request: Request) -> Response:
        try:
            await request.app.state.redis.ping()
        except _REDIS_FAILURES as exc:
            _note_redis_state(request.app, False, exc)
            return _unavailable()
        _note_redis_state(request.app, True)
        return JSONResponse({"status": "ready"})

    return app


app = create_app()
