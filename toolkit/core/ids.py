"""Salesforce record ids: 15-character case-sensitive, 18-character case-safe, key prefixes."""

from __future__ import annotations

import re

__all__ = ["is_salesforce_id", "key_prefix", "normalize_id", "to_18"]

_ALNUM = re.compile(r"^[a-zA-Z0-9]+$")
_SUFFIX_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"


def to_18(record_id: str) -> str:
    """Extend a 15-character id with its case-safe suffix (an 18-character id is checked and returned)."""
    if len(record_id) == 18:
        if to_18(record_id[:15]) != record_id:
            raise ValueError(f"{record_id!r} is not a valid 18-character Salesforce id (its suffix does not match)")
        return record_id
    if len(record_id) != 15 or not _ALNUM.match(record_id):
        raise ValueError(f"{record_id!r} is not a 15- or 18-character Salesforce id")
    suffix = ""
    for start in (0, 5, 10):
        flags = 0
        for bit, char in enumerate(record_id[start:start + 5]):
            if "A" <= char <= "Z":
                flags |= 1 << bit
        suffix += _SUFFIX_CHARS[flags]
    return record_id + suffix


def normalize_id(value: str) -> str | None:
    """The 18-character form of a well-formed id, or None when ``value`` is not one."""
    if not isinstance(value, str) or len(value) not in (15, 18) or not _ALNUM.match(value):
        return None
    try:
        return to_18(value)
    except ValueError:
        return None


def is_salesforce_id(value: str) -> bool:
    return normalize_id(value) is not None


def key_prefix(record_id: str) -> str:
    """The first three characters, which name the object (read the mapping from describe)."""
    return record_id[:3]
