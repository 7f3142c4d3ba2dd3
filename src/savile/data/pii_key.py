"""The secret that keys pseudonyms: from an environment variable, or a key file created on first use."""

from __future__ import annotations

import os
import secrets
import stat
import warnings
from pathlib import Path

from savile.errors import DataError

__all__ = ["load_key"]


def load_key(env_var: str = "SAVILE_PII_KEY", key_file: Path | None = None) -> bytes:
    """The secret for keyed pseudonyms.

    The environment variable `env_var` wins (any non-empty string, utf-8 encoded). Otherwise
    `key_file` is read (its stripped text, utf-8 encoded, so the same string works in either
    place); if it does not exist it is created with 32 random bytes as hex and mode 0o600. The
    key is never written anywhere else.
    """
    value = os.environ.get(env_var, "")
    if value:
        return value.encode("utf-8")
    if key_file is None:
        raise DataError(
            f"no pseudonymisation key: environment variable {env_var} is unset and no key file was given. "
            f"Set {env_var} to a secret string, or set privacy.key_file to a path (created on first use)."
        )
    key_file = Path(key_file)
    if not key_file.exists():
        try:
            _create_key_file(key_file)
        except FileExistsError:
            pass  # another process created it first: read theirs
        except OSError as err:
            raise DataError(
                f"{key_file}: cannot create the pseudonymisation key file ({err.strerror}). "
                f"Point privacy.key_file at a writable place, or set {env_var}."
            ) from None
    elif stat.S_IMODE(key_file.stat().st_mode) & 0o077:
        warnings.warn(
            f"{key_file}: pseudonymisation key is readable by other users; run `chmod 600 {key_file}`.", stacklevel=2
        )
    try:
        key = key_file.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as err:
        raise DataError(
            f"{key_file}: cannot read the pseudonymisation key ({type(err).__name__}). "
            f"Fix the file, or set {env_var} instead."
        ) from None
    if not key:
        raise DataError(
            f"{key_file}: the pseudonymisation key file is empty. "
            f"Delete it to have a new key created, or set {env_var}."
        )
    return key.encode("utf-8")


def _create_key_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # O_EXCL: never overwrite a key another process just wrote; 0o600 from the first byte.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.fchmod(fd, 0o600)  # the umask may only remove bits, but be explicit
        os.write(fd, (secrets.token_hex(32) + "\n").encode("ascii"))
    finally:
        os.close(fd)
