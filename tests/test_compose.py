"""The compose deployment, validated offline (no Docker engine runs here; docs/design.md §7).

compose.yaml is read as YAML and checked by Debian's `docker-compose` 1.29 (`config` enforces `${VAR:?}`);
the Apache site is checked by Debian's `apache2ctl -t` and then run on a private port in front of a small
stand-in gateway, to see the proxy, the static files and the HTTP cache at work.

None of these tests uses the session fixtures of conftest.py (they start the whole system).
"""

from __future__ import annotations

import gzip
import http.client
import http.server
import json
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = ROOT / "compose.yaml"
DEPLOY = ROOT / "deploy"
APACHE_DIR = DEPLOY / "apache"
STATIC_DIR = ROOT / "services" / "common" / "static"
ENVIRONMENTS = {"staging": 2, "production": 4}  # env file → publico replicas
SECRETS = ("POSTGRES_PASSWORD", "CONOCELES_GATEWAY_SECRET")
TEST_SECRETS = {"POSTGRES_PASSWORD": "pg-test-password-0123456789", "CONOCELES_GATEWAY_SECRET": "g" * 48}
WEB_SERVICES = ("auth", "captura", "validacion", "publico", "reportes")
PROCESSES = ("worker-auth", "worker-captura", "worker-validacion", "worker-publico", "worker-reportes", "relay")
APP_SERVICES = ("migrate", "gateway", *WEB_SERVICES, *PROCESSES)
ALL_SERVICES = ("postgres", "postgres-replica", "redis", "apache", *APP_SERVICES)
INSTALL_HINT = "`apt-get install -y docker-compose apache2` (CI installs them)"
SECRET_KEY = re.compile(r"PASSWORD|SECRET|TOKEN|PRIVATE|(^|_)KEY$", re.IGNORECASE)
# Secrets a deployment may not need (a mail relay without authentication): an empty default, never a value.
OPTIONAL_SECRETS = ("CONOCELES_SMTP_PASSWORD",)
REQUIRED_REF = re.compile(r"\$\{(?P<name>[A-Z0-9_]+):\?[^}]+\}")
SESSION_COOKIE = "conoceles_sesion"


def tool(name: str) -> str:
    """The path of a Debian tool (also in /usr/sbin when PATH lacks it), or a failure that says what to install."""
    path = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin:/sbin:/bin")
    if path is None:
        pytest.fail(f"{name} is not installed: {INSTALL_HINT}")
    return path


def compose_doc() -> dict[str, Any]:
    doc: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return doc


def services() -> dict[str, dict[str, Any]]:
    result: dict[str, dict[str, Any]] = compose_doc()["services"]
    return result


def environment_of(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {str(k): str(v) for k, v in env.items()}


def read_env_file(name: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in (DEPLOY / f"{name}.env").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, sep, value = line.partition("=")
            assert sep, f"deploy/{name}.env: not KEY=VALUE: {line!r}"
            values[key.strip()] = value.strip()
    return values


def strings(node: Any) -> Iterator[tuple[str, str]]:
    """Every (key, string value) pair of a parsed YAML tree; list items get the key of their list."""
    stack: list[tuple[str, Any]] = [("", node)]
    while stack:
        key, value = stack.pop()
        if isinstance(value, dict):
            stack.extend((str(k), v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((key, v) for v in value)
        elif isinstance(value, str):
            yield key, value


def looks_random(value: str) -> bool:
    """A literal that could be a password or a key: long, one token, letters of both cases and digits."""
    return (
        re.fullmatch(r"[A-Za-z0-9_\-+=.]{20,}", value) is not None
        and any(c.isupper() for c in value)
        and any(c.islower() for c in value)
        and any(c.isdigit() for c in value)
    )


# --- compose.yaml as data --------------------------------------------------------------------------------------


def test_compose_has_every_process_of_the_system() -> None:
    assert set(services()) == set(ALL_SERVICES)
    for volume in ("postgres-data", "postgres-replica-data", "redis-data", "media"):
        assert volume in compose_doc()["volumes"]


def test_every_service_has_a_healthcheck() -> None:
    for name, service in services().items():
        check = service.get("healthcheck")
        assert check, f"{name} has no healthcheck"
        assert not check.get("disable"), f"{name} disables its healthcheck"
        assert check["test"][0] in ("CMD", "CMD-SHELL"), f"{name}: healthcheck.test must be CMD or CMD-SHELL"
    web = services()
    for name in WEB_SERVICES:
        assert "http://127.0.0.1:8000/health" in " ".join(web[name]["healthcheck"]["test"]), name
    assert "http://127.0.0.1:8080/health" in " ".join(web["gateway"]["healthcheck"]["test"])
    assert "pg_isready" in " ".join(web["postgres"]["healthcheck"]["test"])
    assert "redis-cli ping" in " ".join(web["redis"]["healthcheck"]["test"])


def test_process_healthcheck_runs_with_plain_python() -> None:
    """Workers and the relay have no port: the check reads /proc, so it must work without procps or curl."""
    test = services()["relay"]["healthcheck"]["test"]
    assert test[:2] == ["CMD", "python"]
    result = subprocess.run([sys.executable, *test[2:]], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr


def test_app_services_share_the_anchor() -> None:
    anchor = compose_doc()["x-app"]
    for name in APP_SERVICES:
        service = services()[name]
        assert service["image"] == anchor["image"], name
        assert service["build"] == anchor["build"], name
        assert environment_of(service) == environment_of(anchor), f"{name} does not use the shared environment"
        assert service["command"][0] == "python", name
        if name != "migrate":
            assert service["restart"] == anchor["restart"] == "unless-stopped", name
            assert service["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}, name
    assert services()["migrate"]["restart"] == "no"
    assert services()["migrate"]["command"] == ["python", "-m", "launcher", "migrate"]


def test_services_listen_on_all_interfaces_and_the_gateway_knows_them() -> None:
    env = environment_of(compose_doc()["x-app"])
    for name in (*WEB_SERVICES, "gateway"):
        assert env[f"{name.upper()}_HOST"] == "0.0.0.0"
    upstreams = json.loads(env["GATEWAY_UPSTREAMS"])
    assert upstreams == {name: [f"http://{name}:8000"] for name in WEB_SERVICES}
    assert env["REDIS_URL"] == "redis://redis:6379/0"
    assert env["DATABASE_URL"].endswith("@postgres:5432/conoceles")


def test_publico_has_replicas() -> None:
    assert services()["publico"]["deploy"]["replicas"] == "${PUBLICO_REPLICAS:-2}"


def test_no_literal_secret_in_compose() -> None:
    for key, value in strings(compose_doc()):
        for name in SECRETS:
            # Each mention is a required reference: no default, no literal.
            assert f"${{{name}:-" not in value and f"${{{name}-" not in value, f"{name} has a default value"
            assert name not in REQUIRED_REF.sub("", value), f"{name} appears in {value!r} other than as ${{{name}:?…}}"
        if value and SECRET_KEY.search(key) and not (key in OPTIONAL_SECRETS and value == f"${{{key}:-}}"):
            assert REQUIRED_REF.fullmatch(value), f"{key} must be a ${{VAR:?…}} reference, not {value!r}"
        for password in re.findall(r"://[^:/@\s]+:([^@]+)@", value):
            assert REQUIRED_REF.fullmatch(password), f"a password is written in the URL {value!r}"
        assert not looks_random(value), f"{key}: {value!r} looks like a literal secret"
    app_env = environment_of(compose_doc()["x-app"])
    assert REQUIRED_REF.fullmatch(app_env["CONOCELES_GATEWAY_SECRET"])
    assert "${POSTGRES_PASSWORD:?" in app_env["DATABASE_URL"]
    assert REQUIRED_REF.fullmatch(environment_of(services()["postgres"])["POSTGRES_PASSWORD"])


def test_dockerfile_holds_no_secret_and_installs_only_runtime_dependencies() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert not SECRET_KEY.search(dockerfile)
    assert re.search(r"^FROM python:3\.11-slim$", dockerfile, re.MULTILINE)
    installs = re.findall(r"pip install ([^\\&\n]*)", dockerfile)
    assert [i.strip() for i in installs] == ["."], "only `pip install .`: no [dev] or [embedded] extras"
    assert re.search(r"^WORKDIR /app$", dockerfile, re.MULTILINE)
    user = re.findall(r"^USER (\S+)$", dockerfile, re.MULTILINE)
    assert user and user[-1] not in ("root", "0"), "the processes must not run as root"
    for folder in ("services/", "gateway/", "launcher/", "migrations/", "data/"):
        assert re.search(rf"^COPY {folder} ", dockerfile, re.MULTILINE), folder


# --- env files ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ENVIRONMENTS)
def test_env_file_holds_no_secret(name: str) -> None:
    values = read_env_file(name)
    for key, value in values.items():
        assert not SECRET_KEY.search(key), f"deploy/{name}.env must not hold {key}: use deploy/secrets.env"
        assert not looks_random(value), f"deploy/{name}.env: {key}={value!r} looks like a secret"
    assert values["CONOCELES_ENV"] == name
    assert values["PUBLICO_REPLICAS"] == str(ENVIRONMENTS[name])
    assert values["CONOCELES_SERVER_NAME"]


def test_secrets_file_is_ignored_by_git() -> None:
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    assert "deploy/secrets.env" in ignored
    assert not (DEPLOY / "secrets.env").exists() or "deploy/secrets.env" in ignored


# --- docker-compose config ---------------------------------------------------------------------------------------


def compose_environ(**extra: str) -> dict[str, str]:
    """The caller's environment without anything that would override the env file or leak a secret."""
    env_keys = {key for name in ENVIRONMENTS for key in read_env_file(name)}
    prefixes = ("CONOCELES_", "COMPOSE_", "DOCKER_", "POSTGRES_", "PUBLICO_", "APACHE_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(prefixes) and k not in env_keys}
    env.update(extra)
    return env


def compose_config(name: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    argv = [tool("docker-compose"), "-f", "compose.yaml", "--env-file", f"deploy/{name}.env", "config"]
    return subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("name", ENVIRONMENTS)
@pytest.mark.parametrize("missing", SECRETS)
def test_compose_config_refuses_to_run_without_a_secret(name: str, missing: str) -> None:
    present = {k: v for k, v in TEST_SECRETS.items() if k != missing}
    result = compose_config(name, compose_environ(**present))
    assert result.returncode != 0, f"compose accepted deploy/{name}.env without {missing}"
    assert missing in result.stdout + result.stderr, result.stderr


@pytest.mark.parametrize("name", ENVIRONMENTS)
def test_compose_config_succeeds_with_secrets_in_the_environment(name: str) -> None:
    result = compose_config(name, compose_environ(**TEST_SECRETS))
    assert result.returncode == 0, result.stderr
    config = yaml.safe_load(result.stdout)["services"]
    assert set(config) == set(ALL_SERVICES)
    assert config["publico"]["deploy"]["replicas"] == ENVIRONMENTS[name]
    for service in APP_SERVICES:
        env = config[service]["environment"]
        assert env["CONOCELES_ENV"] == name, service
        assert env["CONOCELES_GATEWAY_SECRET"] == TEST_SECRETS["CONOCELES_GATEWAY_SECRET"], service
        password = TEST_SECRETS["POSTGRES_PASSWORD"]
        assert env["DATABASE_URL"] == f"postgresql://conoceles:{password}@postgres:5432/conoceles", service
    assert config["postgres"]["environment"]["POSTGRES_PASSWORD"] == TEST_SECRETS["POSTGRES_PASSWORD"]
    assert config["apache"]["environment"]["CONOCELES_SERVER_NAME"] == read_env_file(name)["CONOCELES_SERVER_NAME"]


def rendered(name: str) -> dict[str, Any]:
    result = compose_config(name, compose_environ(**TEST_SECRETS))
    assert result.returncode == 0, result.stderr
    doc: dict[str, Any] = yaml.safe_load(result.stdout)
    return doc


@pytest.mark.parametrize("name", ENVIRONMENTS)
def test_every_rendered_service_has_limits_a_healthcheck_and_a_restart_policy(name: str) -> None:
    for service, config in rendered(name)["services"].items():
        limits = config.get("deploy", {}).get("resources", {}).get("limits", {})
        assert limits.get("cpus") and limits.get("memory"), f"{name}/{service} has no CPU and memory limits"
        assert config.get("healthcheck", {}).get("test"), f"{name}/{service} has no healthcheck"
        policy = config["deploy"].get("restart_policy", {}).get("condition")
        expected = "on-failure" if service == "migrate" else "any"
        assert policy == expected, f"{name}/{service}: Swarm restart policy {policy!r}"
        if service != "migrate":
            assert config.get("restart") == "unless-stopped", f"{name}/{service}: compose restart policy"


def test_staging_and_production_can_share_one_host() -> None:
    """Two compose projects on one Docker host: their own names (so their own containers and volumes) and no
    host port in common (only Apache publishes ports)."""
    published: dict[str, set[str]] = {}
    for name in ENVIRONMENTS:
        assert read_env_file(name)["COMPOSE_PROJECT_NAME"]
        ports: set[str] = set()
        for service, config in rendered(name)["services"].items():
            for port in config.get("ports", []):
                host = str(port["published"] if isinstance(port, dict) else str(port).split(":")[-2])
                ports.add(host)
                assert service == "apache", f"{name}/{service} publishes a port"
        published[name] = ports
    assert published["production"] == {"80", "443"}
    assert not published["staging"] & published["production"], published
    assert read_env_file("staging")["COMPOSE_PROJECT_NAME"] != read_env_file("production")["COMPOSE_PROJECT_NAME"]


def test_publico_reads_the_replica_only_when_asked() -> None:
    env = rendered("production")["services"]["publico"]["environment"]
    # Default: the primary (publico then opens one pool); PUBLICO_READ_HOST=postgres-replica points it at the replica.
    assert env["PUBLICO_DATABASE_READ_URL"] == env["DATABASE_URL"]
    result = compose_config("production", compose_environ(**TEST_SECRETS, PUBLICO_READ_HOST="postgres-replica"))
    env = yaml.safe_load(result.stdout)["services"]["publico"]["environment"]
    assert env["PUBLICO_DATABASE_READ_URL"].endswith("@postgres-replica:5432/conoceles")
    replica = services()["postgres-replica"]
    assert replica["profiles"] == ["replica"]
    assert "pg_basebackup" in " ".join(replica["entrypoint"])
    assert (DEPLOY / "postgres" / "10-replicacion.sh").read_text().count("host replication conoceles") == 1


@pytest.mark.parametrize("name", ENVIRONMENTS)
def test_the_swarm_stack_renders_with_publico_scaled_out(name: str, tmp_path: Path) -> None:
    """`make stack` output is accepted by `docker stack config` (no engine needed), publico replicated."""
    generated = subprocess.run(
        [sys.executable, "-m", "launcher.stack", "--replica"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert generated.returncode == 0, generated.stderr
    stack_file = tmp_path / "stack.yaml"
    stack_file.write_text(generated.stdout)
    env = compose_environ(**TEST_SECRETS, **read_env_file(name))
    argv = [tool("docker"), "stack", "config", "-c", str(stack_file)]
    result = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    config = yaml.safe_load(result.stdout)["services"]
    assert set(config) == set(ALL_SERVICES)
    assert config["publico"]["deploy"]["replicas"] == ENVIRONMENTS[name]
    for service in config.values():
        assert not {"build", "depends_on", "restart", "profiles"} & set(service)
        assert service["deploy"]["resources"]["limits"]["memory"]


# --- Apache ------------------------------------------------------------------------------------------------------


def user_name() -> str:
    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except KeyError:  # a uid without a passwd entry (some CI containers)
        return str(os.getuid())


@pytest.fixture
def apache_env(tmp_path: Path) -> dict[str, str]:
    """What Debian's apache2ctl needs without root or /etc/apache2/envvars: run and lock dirs of our own."""
    for folder in ("run", "lock", "log"):  # apache2ctl creates run/socks itself
        (tmp_path / folder).mkdir()
    return {
        **os.environ,
        "APACHE_ENVVARS": str(tmp_path / "no-envvars"),
        "APACHE_RUN_DIR": str(tmp_path / "run"),
        "APACHE_LOCK_DIR": str(tmp_path / "lock"),
        "APACHE_LOG_DIR": str(tmp_path / "log"),
        "APACHE_PID_FILE": str(tmp_path / "run" / "apache2.pid"),
        "APACHE_RUN_USER": user_name(),
    }


def apache_check(env: dict[str, str], *defines: str) -> subprocess.CompletedProcess[str]:
    argv = [tool("apache2ctl"), "-d", str(APACHE_DIR), "-f", str(APACHE_DIR / "debian-test.conf")]
    for define in defines:
        argv += ["-C", f"Define {define}"]
    return subprocess.run([*argv, "-t"], env=env, capture_output=True, text=True, timeout=60)


def test_apache_config_parses(apache_env: dict[str, str]) -> None:
    result = apache_check(apache_env)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Syntax OK" in output


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    """A throwaway self-signed certificate and key, made by openssl."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.fail("openssl is not installed: `apt-get install -y openssl` (it makes a throwaway certificate)")
    cert, key = tmp_path / "cert" / "fullchain.pem", tmp_path / "cert" / "privkey.pem"
    cert.parent.mkdir()
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return cert, key


def test_apache_tls_config_parses_with_a_certificate(
    apache_env: dict[str, str], certificate: tuple[Path, Path]
) -> None:
    cert, key = certificate
    result = apache_check(apache_env, "CONOCELES_TLS", f"CONOCELES_TLS_CERT {cert}", f"CONOCELES_TLS_KEY {key}")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Syntax OK" in output


@pytest.mark.parametrize("tls", [False, True], ids=["http", "tls"])
def test_image_httpd_conf_parses_with_debian_modules(
    tls: bool, tmp_path: Path, apache_env: dict[str, str], request: pytest.FixtureRequest
) -> None:
    """deploy/apache/httpd.conf itself, in a ServerRoot laid out like the httpd:2.4 image's (Debian's modules)."""
    root = tmp_path / "httpd"
    (root / "conf").mkdir(parents=True)
    (root / "logs").mkdir()
    (root / "modules").symlink_to("/usr/lib/apache2/modules")
    (root / "conf" / "conoceles").symlink_to(APACHE_DIR)
    mime = Path("/etc/mime.types")
    (root / "conf" / "mime.types").write_text(mime.read_text() if mime.exists() else "")
    if tls:
        (root / "conf" / "tls").mkdir()
        for pem in request.getfixturevalue("certificate"):
            shutil.copy(pem, root / "conf" / "tls" / pem.name)
    conf, replaced = re.subn(
        r'^ServerRoot "/usr/local/apache2"$',
        f'ServerRoot "{root}"',
        (APACHE_DIR / "httpd.conf").read_text(),
        flags=re.MULTILINE,
    )
    assert replaced == 1
    (root / "httpd.conf").write_text(conf)
    env = {**apache_env, "CONOCELES_SERVER_NAME": "conoceles.example.org"}
    argv = [tool("apache2"), "-f", str(root / "httpd.conf"), "-t", "-DDUMP_VHOSTS"]
    result = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    vhosts = re.findall(r"^\*:(\d+)\s+(\S+)", output, re.MULTILINE)
    name = env["CONOCELES_SERVER_NAME"]
    expected = [("80", name), ("443", name)] if tls else [("80", name)]
    assert vhosts == expected, output


def test_compose_image_config_includes_the_same_site_file() -> None:
    """httpd.conf (image paths) and debian-test.conf (Debian paths) load the same modules and the same site."""

    def modules(text: str) -> set[str]:
        return set(re.findall(r"^\s*LoadModule (\w+)", text, re.MULTILINE))

    image = (APACHE_DIR / "httpd.conf").read_text()
    debian = (APACHE_DIR / "debian-test.conf").read_text()
    assert modules(image) == modules(debian)
    assert "Include conf/conoceles/conoceles-site.conf" in image
    assert re.search(r"^Include conoceles-site\.conf$", debian, re.MULTILINE)
    assert "LoadModule" not in (APACHE_DIR / "conoceles-site.conf").read_text()
    compose_apache = services()["apache"]
    assert "./deploy/apache:/usr/local/apache2/conf/conoceles:ro" in compose_apache["volumes"]
    assert "/usr/local/apache2/conf/conoceles/httpd.conf" in " ".join(compose_apache["command"])


class StandInGateway(http.server.BaseHTTPRequestHandler):
    """Answers like publico does: the same page for everyone, `public, max-age=60`, and counts each request."""

    hits: dict[str, int]
    seen_headers: dict[str, dict[str, str]]

    def do_GET(self) -> None:
        self.hits[self.path] = self.hits.get(self.path, 0) + 1
        self.seen_headers[self.path] = dict(self.headers)
        body = f"page {self.path} #{self.hits[self.path]}".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "public, max-age=60")
        self.send_header("Set-Cookie", "per_visitor=1; HttpOnly")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def deploy_apache(gateway: str) -> Iterator[int]:
    """Debian's apache2 running deploy/apache (debian-test.conf) on a free port in front of ``gateway``; the port."""
    # Apache's children drop root for an unprivileged user: the run folder must be theirs to write too.
    run_dir = Path(tempfile.mkdtemp(prefix="conoceles-apache-"))
    (run_dir / "cache").mkdir()
    for folder in (run_dir, run_dir / "cache"):
        folder.chmod(0o777)
    port = free_port()
    defines = {
        "CONOCELES_RUN_DIR": str(run_dir),
        "CONOCELES_HTTP_PORT": str(port),
        "CONOCELES_GATEWAY": gateway,
        "CONOCELES_STATIC_DIR": str(STATIC_DIR),
        "CONOCELES_CACHE_ROOT": str(run_dir / "cache"),
    }
    argv = [tool("apache2"), "-d", str(APACHE_DIR), "-f", str(APACHE_DIR / "debian-test.conf"), "-DFOREGROUND"]
    for name, value in defines.items():
        argv += ["-C", f"Define {name} {value}"]
    log = run_dir / "error.log"
    process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 15
        while True:
            if process.poll() is not None:
                pytest.fail(f"apache2 exited with {process.returncode}: {log.read_text()[-3000:]}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"apache2 did not listen on {port}: {log.read_text()[-3000:]}")
                time.sleep(0.1)
        yield port
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(run_dir, ignore_errors=True)


@pytest.fixture
def apache_site() -> Iterator[tuple[int, type[StandInGateway]]]:
    """Debian's apache2 running deploy/apache on a private port, in front of a stand-in gateway."""
    handler = type("Handler", (StandInGateway,), {"hits": {}, "seen_headers": {}})
    backend = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=backend.serve_forever, daemon=True)
    thread.start()
    try:
        with deploy_apache(f"http://127.0.0.1:{backend.server_address[1]}") as port:
            yield port, handler
    finally:
        backend.shutdown()
        backend.server_close()
        thread.join(timeout=5)


def get(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers={"Host": "conoceles.test", **(headers or {})})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def test_apache_proxies_to_the_gateway_and_caches_only_public_pages(
    apache_site: tuple[int, type[StandInGateway]],
) -> None:
    port, gateway = apache_site

    status, headers, body = get(port, "/candidaturas/17")
    assert (status, body) == (200, b"page /candidaturas/17 #1")
    seen = gateway.seen_headers["/candidaturas/17"]
    assert seen["Host"] == "conoceles.test", "ProxyPreserveHost"
    assert seen["X-Forwarded-Proto"] == "http"
    assert seen["X-Forwarded-For"] == "127.0.0.1"
    # The second visitor gets Apache's copy, without the first visitor's cookie.
    status, headers, body = get(port, "/candidaturas/17")
    assert (status, body) == (200, b"page /candidaturas/17 #1")
    assert headers.get("x-cache", "").startswith("HIT"), headers
    assert "set-cookie" not in headers
    assert gateway.hits["/candidaturas/17"] == 1

    # Signed-in areas always reach the gateway.
    for _ in range(2):
        get(port, "/cuenta/entrar")
        get(port, "/validacion/")
    assert gateway.hits["/cuenta/entrar"] == 2
    assert gateway.hits["/validacion/"] == 2

    # A response to a signed-in visitor is never stored, even if it says `public`.
    get(port, "/api/v1/candidaturas", {"Cookie": f"{SESSION_COOKIE}=abc"})
    get(port, "/api/v1/candidaturas")
    assert gateway.hits["/api/v1/candidaturas"] == 2


def test_apache_serves_static_files_itself_and_guards_the_edges(
    apache_site: tuple[int, type[StandInGateway]],
) -> None:
    port, gateway = apache_site

    status, headers, body = get(port, "/static/conoceles.css")
    assert status == 200
    assert body == (STATIC_DIR / "conoceles.css").read_bytes()
    assert headers["x-content-type-options"] == "nosniff"
    assert "max-age=3600" in headers["cache-control"]
    assert not gateway.hits, "static files must not reach the gateway"

    assert get(port, "/metrics")[0] == 403
    assert "/metrics" not in gateway.hits

    # Bodies above the limit are refused before they reach the gateway.
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"POST /captura/foto HTTP/1.1\r\nHost: conoceles.test\r\nContent-Length: 50000000\r\n\r\n")
        assert s.recv(64).startswith(b"HTTP/1.1 413")


def test_apache_compresses_text_it_serves(apache_site: tuple[int, type[StandInGateway]]) -> None:
    port, _ = apache_site
    status, headers, body = get(port, "/static/conoceles.css", {"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers.get("content-encoding") == "gzip"
    assert "accept-encoding" in headers.get("vary", "").lower()
    assert gzip.decompress(body) == (STATIC_DIR / "conoceles.css").read_bytes()
    status, headers, body = get(port, "/static/conoceles.css")
    assert "content-encoding" not in headers and body == (STATIC_DIR / "conoceles.css").read_bytes()
