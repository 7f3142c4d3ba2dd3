"""The pseudonym -> original mapping, only ever stored encrypted under a key derived from the secret."""

from __future__ import annotations

import base64
import json
import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

from savile.errors import DataError

if TYPE_CHECKING:
    from cryptography.fernet import Fernet

__all__ = ["write_mapping", "read_mapping"]

_MAPPING_FORMAT = "savile-pii-mapping-v1"
_HKDF_INFO = b"savile pii mapping v1"  # fixed: binds derived keys to this one use of the secret


def write_mapping(path: Path, mapping: dict[str, str], key: bytes) -> Path:
    """Write `mapping` to `path`, encrypted under `key` (Fernet, key by HKDF-SHA256 with a random salt
    stored in the file), with mode 0o600; return the path."""
    salt = secrets.token_bytes(16)
    token = _fernet(key, salt).encrypt(json.dumps(mapping, ensure_ascii=False).encode("utf-8"))
    document = {
        "format": _MAPPING_FORMAT,
        "kdf": "HKDF-SHA256",
        "salt": base64.b64encode(salt).decode("ascii"),
        "token": token.decode("ascii"),
    }
    _write_private(Path(path), (json.dumps(document, indent=1) + "\n").encode("ascii"))
    return Path(path)


def read_mapping(path: Path, key: bytes) -> dict[str, str]:
    """The pseudonym -> original mapping that `Pseudonymiser.write_mapping` wrote to `path` with `key`."""
    from cryptography.fernet import InvalidToken

    path = Path(path)
    try:
        document = json.loads(path.read_text(encoding="ascii"))
        salt, token = base64.b64decode(document["salt"], validate=True), document["token"].encode("ascii")
        if document.get("format") != _MAPPING_FORMAT:
            raise ValueError(f"format {document.get('format')!r}")
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as err:
        raise DataError(
            f"{path}: not a readable Savile PII mapping ({type(err).__name__}: {err}). "
            "Point at the file Pseudonymiser.write_mapping wrote."
        ) from None
    try:
        return json.loads(_fernet(key, salt).decrypt(token).decode("utf-8"))
    except InvalidToken:
        raise DataError(
            f"{path}: cannot decrypt the PII mapping with this key (wrong key, or the file was "
            "altered). Use the key it was written with (SAVILE_PII_KEY or privacy.key_file)."
        ) from None


def _fernet(key: bytes, salt: bytes) -> Fernet:
    from cryptography.fernet import Fernet  # imported here: only the mapping needs it
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    if not isinstance(key, bytes) or not key:
        raise DataError(f"the mapping key must be non-empty bytes, got {type(key).__name__}. Pass load_key().")
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=_HKDF_INFO).derive(key)
    return Fernet(base64.urlsafe_b64encode(derived))


def _write_private(path: Path, data: bytes) -> None:
    """Write `data` to `path` with mode 0o600 from the first byte, replacing any old file atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)
