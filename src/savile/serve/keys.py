"""API keys of `savile serve`: kept as sha256 hashes, each with the models it may call.

    savile key savile.yaml lirelle-web --allow lirelle      # prints the key once, stores its hash
    store = KeyStore.load(Path(".savile/serve-keys.yaml"))
    key = store.lookup("sk-savile-...")                      # None for an unknown key

The file (YAML):

    keys:
      - name: lirelle-web
        sha256: 5e88...                  # of the whole key; the key itself is never stored
        allow: [lirelle]                 # adapter names, the base model's name, or "*"
        admin: false                     # admin keys load and unload adapters and read /metrics
        requests_per_minute: null        # null: serve.requests_per_minute

Keys are 32 random bytes, so one sha256 is enough: a slow password hash guards guessable secrets.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from savile.errors import ServeError

__all__ = ["ApiKey", "KeyStore", "new_key", "add_key", "hash_key"]

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def hash_key(key: str) -> str:
    """The sha256 hex digest of `key`, as the keys file stores it."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def new_key() -> str:
    """A fresh random API key (`sk-savile-` and 32 url-safe random bytes); shown once, never stored."""
    return "sk-savile-" + secrets.token_urlsafe(32)


@dataclass(frozen=True)
class ApiKey:
    """One entry of the keys file: its name, the key's sha256, the models it may call, admin or not, its rate limit."""

    name: str
    sha256: str
    allow: tuple[str, ...] = ()
    admin: bool = False
    requests_per_minute: int | None = None

    def allows(self, adapter: str) -> bool:
        """Whether this key may call `adapter` (an adapter name or the base model's name) and its task aliases."""
        return "*" in self.allow or adapter in self.allow


@dataclass
class KeyStore:
    """The entries of a keys file; `load` reads one, `lookup` finds the entry of a presented key."""

    keys: list[ApiKey] = field(default_factory=list)

    @classmethod
    def load(cls, path: Path) -> KeyStore:
        """Read and validate the keys file at `path`; a `ServeError` naming the fix when it is missing or malformed."""
        if not path.exists():
            raise ServeError(f"keys file {path} not found; create a key with `savile key CONFIG NAME --allow ADAPTER`.")
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        rows = data.get("keys") if isinstance(data, dict) else None
        if not isinstance(rows, list):
            raise ServeError(
                f"{path}: expected a top-level `keys:` list, got {type(rows).__name__}; see `savile key --help`."
            )
        return cls([_parse(row, path, i) for i, row in enumerate(rows)])

    def lookup(self, key: str) -> ApiKey | None:
        """The key's entry, compared in constant time; None when no entry matches."""
        digest = hash_key(key)
        found = None
        for entry in self.keys:
            if hmac.compare_digest(entry.sha256, digest):
                found = entry
        return found


def _parse(row: object, path: Path, i: int) -> ApiKey:
    where = f"{path}: keys[{i}]"
    if not isinstance(row, dict):
        raise ServeError(f"{where}: expected a mapping with name, sha256 and allow, got {row!r}.")
    unknown = set(row) - {"name", "sha256", "allow", "admin", "requests_per_minute"}
    if unknown:
        raise ServeError(
            f"{where}: unknown fields {sorted(unknown)}; allowed: name, sha256, allow, admin, requests_per_minute."
        )
    name, digest = str(row.get("name", "")), str(row.get("sha256", ""))
    if not _NAME.match(name):
        raise ServeError(f"{where}: name {name!r} must be 1-64 letters, digits, '_', '.' or '-'.")
    if not re.fullmatch(r"[0-9a-f]{64}", digest):
        raise ServeError(
            f"{where}: sha256 must be 64 lowercase hex digits (the key's hash), got {digest[:16]!r}...; "
            "add keys with `savile key`, never paste a key itself here."
        )
    allow = row.get("allow") or []
    if isinstance(allow, str) or not all(isinstance(a, str) for a in allow):
        raise ServeError(f"{where}: allow must be a list of model names, got {allow!r}.")
    rpm = row.get("requests_per_minute")
    if rpm is not None and (not isinstance(rpm, int) or rpm <= 0):
        raise ServeError(f"{where}: requests_per_minute must be a positive integer or null, got {rpm!r}.")
    return ApiKey(
        name=name, sha256=digest, allow=tuple(allow), admin=bool(row.get("admin", False)), requests_per_minute=rpm
    )


def add_key(
    path: Path, name: str, allow: list[str], admin: bool = False, requests_per_minute: int | None = None
) -> str:
    """Append a new key's hash to the keys file (created with mode 600) and return the key, shown once."""
    store = KeyStore.load(path) if path.exists() else KeyStore()
    if any(k.name == name for k in store.keys):
        raise ServeError(f"{path}: a key named {name!r} exists; pick another name or delete its entry.")
    key = new_key()
    entry = ApiKey(
        name=name, sha256=hash_key(key), allow=tuple(allow), admin=admin, requests_per_minute=requests_per_minute
    )
    _parse(_row(entry), path, len(store.keys))  # the same checks as on load
    rows = [_row(k) for k in [*store.keys, entry]]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    path.write_text(yaml.safe_dump({"keys": rows}, sort_keys=False), encoding="utf-8")
    return key


def _row(k: ApiKey) -> dict:
    return {
        "name": k.name,
        "sha256": k.sha256,
        "allow": list(k.allow),
        "admin": k.admin,
        "requests_per_minute": k.requests_per_minute,
    }
