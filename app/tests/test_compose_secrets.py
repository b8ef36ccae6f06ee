"""docker-compose.yml's password wiring, checked without Docker.

Compose cannot be run here (no engine), so this runs the same pieces directly: redis-server
with the committed dev config file `include`d, exactly as the compose command does, and the
app reading the committed dev password file, as REDIS_PASSWORD_FILE points it to.
"""

from __future__ import annotations

import re

from conftest import APP_DIR, run, serve

from main import Settings, create_app

REPO = APP_DIR.parent
COMPOSE = REPO / "docker-compose.yml"
SECRETS = REPO / "dev-secrets"


def test_compose_passes_no_password_as_a_value():
    """Every *PASSWORD* setting names a file; no `--requirepass` argument."""
    text = COMPOSE.read_text()
    keys = re.findall(r"^\s*([A-Z_]*PASSWORD[A-Z_]*):", text, flags=re.M)
    assert keys, "expected the *_PASSWORD_FILE settings"
    assert all(key.endswith("_FILE") for key in keys), keys
    assert not re.search(r"^\s*-\s*[\"']?--requirepass", text, flags=re.M)
    for name in ("redis-password", "redis-auth.conf", "postgres-password"):
        assert f"./dev-secrets/{name}" in text


def test_the_committed_dev_secrets_let_the_app_authenticate_to_redis(redis_factory):
    server = redis_factory()
    argv = server.argv
    server.argv = lambda: argv() + ["--include", str(SECRETS / "redis-auth.conf")]
    server.start()
    settings = Settings.from_env({
        "REDIS_HOST": "127.0.0.1",
        "REDIS_PORT": str(server.port),
        "REDIS_PASSWORD_FILE": str(SECRETS / "redis-password"),
    })
    assert settings.password

    async def scenario():
        async with serve(create_app(settings)) as client:
            return await client.get("/")

    response = run(scenario())
    assert response.status_code == 200, response.text
    server.password = settings.password
    assert server.hits() == 1
