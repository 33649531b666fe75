"""Attack 8 (issue 13): no secret in the repository, and compose refuses to start without the secrets.

The scan reads every file git tracks (``git ls-files``), so a new file is scanned the day it is added. It looks
for private keys, well-known token formats, passwords written after a secret-looking name, passwords inside
URLs, and long random-looking strings in configuration files. ``ALLOWED`` lists the test fixtures and examples
that look like secrets on purpose (each with why); nothing else may match. No server is needed.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRIVATE_KEY = re.compile(rb"-----BEGIN (?:[A-Z ]+ )?PRIVATE KEY-----")
TOKENS = {
    "AWS access key": re.compile(rb"\bAKIA[0-9A-Z]{16}\b"),
    "GitHub token": re.compile(rb"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
    "Slack token": re.compile(rb"\bxox[abprs]-[A-Za-z0-9-]{10,}"),
    "Google API key": re.compile(rb"\bAIza[0-9A-Za-z_-]{35}\b"),
    "Stripe key": re.compile(rb"\b[sr]k_live_[0-9a-zA-Z]{16,}"),
}
CONFIG_SUFFIXES = (".env", ".yaml", ".yml", ".toml", ".ini", ".cfg", ".conf", ".json", ".service")
# NAME = value, NAME: value (env, YAML, TOML, INI); the value is what a secret would be.
ASSIGNMENT = re.compile(
    r"""^\s*(?:export\s+)?["']?([A-Za-z0-9_.-]*(?:password|passwd|secret|token|api[_-]?key|private[_-]?key)"""
    r"""[A-Za-z0-9_.-]*)["']?\s*[:=]\s*["']?([^"'\s#]+)""",
    re.IGNORECASE | re.MULTILINE,
)
URL_PASSWORD = re.compile(r"\b[a-z][a-z0-9+]*://[^:/@\s]+:([^@/\s]+)@")
# A value that only names where the secret comes from.
REFERENCE = re.compile(r"^(?:\$\{[A-Z0-9_]+(?::?[?-][^}]*)?\}|\$[A-Z0-9_]+|<[^>]+>|\*+|x+|\.\.\.|changeme|null|none|)$")
RANDOM_WORD = re.compile(r"[A-Za-z0-9+/_=-]{24,}")
# Fixtures and examples that look like secrets on purpose: (path, what matched) with the reason.
ALLOWED: dict[tuple[str, str], str] = {
    ("tests/test_compose.py", "pg-test-password-0123456789"): "the stand-in secret compose is run with in tests",
    ("tests/helpers.py", "contrasena-de-prueba-123"): "the password of the accounts tests create",
    ("tests/unit/test_contacto.py", "clave"): "a URL with credentials that a candidacy's contact link may not carry",
}


def tracked() -> list[Path]:
    out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    return [ROOT / name for name in out.decode().split("\0") if name]


def entropy(word: str) -> float:
    counts = Counter(word)
    return -sum(n / len(word) * math.log2(n / len(word)) for n in counts.values())


def looks_random(word: str) -> bool:
    """Long, mixed letters and digits, and about as varied as a random token (4+ bits a character)."""
    return (
        len(word) >= 24
        and bool(re.search(r"\d", word))
        and bool(re.search(r"[a-z]", word))
        and bool(re.search(r"[A-Z]", word))
        and entropy(word) >= 4.0
        and not re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", word)  # commit ids and content hashes
    )


def findings_in(path: str, data: bytes) -> list[str]:
    found = [f"{path}: private key"] if PRIVATE_KEY.search(data) else []
    found += [f"{path}: {what}" for what, pattern in TOKENS.items() if pattern.search(data)]
    text = data.decode(errors="replace")
    candidates: list[tuple[str, str]] = []
    if path.endswith(CONFIG_SUFFIXES) or Path(path).name in ("Dockerfile", ".env") or "/deploy/" in f"/{path}":
        candidates += [(f"{name}={value}", value) for name, value in ASSIGNMENT.findall(text)]
        candidates += [(word, word) for word in RANDOM_WORD.findall(text) if looks_random(word)]
    candidates += [(f"password in a URL {value}", value) for value in URL_PASSWORD.findall(text)]
    for what, value in candidates:
        if REFERENCE.match(value) or (path, value) in ALLOWED or value.startswith(("$", "{", "%(")):
            continue
        found.append(f"{path}: {what}")
    return found


def test_no_secret_is_tracked_by_git() -> None:
    found = []
    for path in tracked():
        if path.is_symlink() or not path.is_file() or path.stat().st_size > 2_000_000:
            continue
        data = path.read_bytes()
        if b"\0" in data[:1024]:  # images, fonts, PDFs
            continue
        found += findings_in(str(path.relative_to(ROOT)), data)
    assert found == []


def test_every_allowance_still_matches_something() -> None:
    """A stale allowance would let a real secret of the same value in later."""
    for (path, value), _why in ALLOWED.items():
        assert value in (ROOT / path).read_text(), (path, value)


@pytest.mark.parametrize(
    "text",
    [
        # Split so that this file does not hold what it looks for (it is scanned too).
        "-----BEGIN RSA PRIVATE" + " KEY-----\nMIIE\n",
        "-----BEGIN OPENSSH PRIVATE" + " KEY-----\n",
        "aws = AKIA" + "IOSFODNN7EXAMPLE\n",
        "token: ghp_" + "a1B2" * 9 + "\n",
        "POSTGRES_PASSWORD=hunter2-real-one\n",
        "smtp:\n  password: 's3cr3t-value'\n",
        "DATABASE_URL=postgresql://conoceles:" + "abc123@db/conoceles\n",
        "CONOCELES_GATEWAY_SECRET: Zq8vN2xL5pR7tY1wK4mB9cD3fH6jS0aE\n",
    ],
)
def test_the_scan_finds_what_it_looks_for(text: str) -> None:
    assert findings_in("deploy/ejemplo.env", text.encode()) != []


@pytest.mark.parametrize(
    "text",
    [
        "POSTGRES_PASSWORD=${POSTGRES_PASSWORD:?POSTGRES_PASSWORD is required}\n",
        "DATABASE_URL=postgresql://conoceles:${POSTGRES_PASSWORD:?required}@postgres/conoceles\n",
        "CONOCELES_SMTP_PASSWORD: ${CONOCELES_SMTP_PASSWORD:-}\n",
        "image: python:3.11-slim\nhealthcheck: {test: [CMD, python, -m, launcher.health]}\n",
        "sha256: 2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae\n",
    ],
)
def test_the_scan_lets_references_and_hashes_through(text: str) -> None:
    assert findings_in("deploy/ejemplo.env", text.encode()) == []


def test_no_tracked_link_leaves_the_repository() -> None:
    """A symlink committed by accident points at someone's machine (and may expose what is there)."""
    outside = []
    for path in tracked():
        if path.is_symlink():
            target = (path.parent / os.readlink(path)).resolve()
            if not target.is_relative_to(ROOT):
                outside.append(f"{path.relative_to(ROOT)} -> {os.readlink(path)}")
    assert outside == []


# -- compose refuses to start without them ------------------------------------------------------------------------
REQUIRED = re.compile(r"\$\{([A-Z0-9_]+):\?([^}]*)\}")
SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN|PRIVATE|(^|_)KEY$")


def _compose_text() -> str:
    return (ROOT / "compose.yaml").read_text()


def test_every_secret_compose_reads_is_required_with_a_message() -> None:
    text = _compose_text()
    names = set(re.findall(r"\$\{([A-Z0-9_]+)", text))
    secrets = {n for n in names if SECRET_NAME.search(n)}
    assert {"POSTGRES_PASSWORD", "CONOCELES_GATEWAY_SECRET"} <= secrets
    required = {name: message for name, message in REQUIRED.findall(text)}
    for name in secrets:
        optional = f"${{{name}:-}}"
        if name in required:
            assert len(required[name].strip()) > 10, f"{name}: the refusal must say what to do"
            assert f"${{{name}:-" not in text and f"${{{name}-" not in text, f"{name} has a default"
        else:
            # Only an empty default is allowed (an optional SMTP password); never a value.
            assert re.findall(rf"\$\{{{name}[^}}]*\}}", text) == [optional] * text.count(f"${{{name}"), name


def _env_without_secrets() -> dict[str, str]:
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")
    return {k: v for k, v in os.environ.items() if k in keep}


def test_compose_config_without_the_secrets_fails_naming_them() -> None:
    compose = shutil.which("docker-compose")
    assert compose, "docker-compose is needed for this test (apt install docker-compose)"
    text = _compose_text()
    secrets = sorted({n for n, _ in REQUIRED.findall(text) if SECRET_NAME.search(n)})
    others = {n: "valor-de-prueba" for n, _ in REQUIRED.findall(text) if n not in secrets}
    for missing in [None, *secrets]:
        env = {**_env_without_secrets(), **others}
        if missing is not None:  # only this one unset
            env.update({s: "secreto-de-prueba-" + "x" * 40 for s in secrets if s != missing})
        result = subprocess.run(
            [compose, "-f", "compose.yaml", "config", "--quiet"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode != 0, f"compose started without {missing or 'any secret'}"
        named = [s for s in secrets if s in result.stderr + result.stdout]
        assert named, result.stderr
        if missing is not None:
            assert missing in result.stderr + result.stdout and "required" in result.stderr + result.stdout
