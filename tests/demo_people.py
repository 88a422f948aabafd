"""The demo world's personal data and key-shaped strings, for the tests that scan outputs for them.

:func:`demo_personal_values` reads the demo world as stored (unmasked: it is the sandbox's own data) and collects
every name, email, phone number and street line of its Salesforce records and Stripe objects; :func:`leaks` says
which of them, and which key-shaped strings (Stripe keys, Salesforce session ids, bearer tokens, webhook secrets), a
text holds.
"""

from __future__ import annotations

import html
import json
import re
from functools import lru_cache

from toolkit.core.privacy import personal_values
from toolkit.sandbox.demo import demo_world_case

__all__ = ["KEY_SHAPED", "demo_order_numbers", "demo_personal_values", "leaks"]

#: Strings shaped like a secret: Stripe secret, restricted and publishable-looking live keys, webhook secrets,
#: Salesforce session ids (org id ``00D...`` then ``!`` and the token), bearer tokens.
KEY_SHAPED = re.compile(r"(?:sk|rk)_(?:test|live)_[A-Za-z0-9]{6,}|whsec_[A-Za-z0-9]{8,}"
                        r"|\b00D[A-Za-z0-9]{12,15}![A-Za-z0-9._]{12,}|Bearer\s+[A-Za-z0-9._!-]{16,}")


@lru_cache(maxsize=1)
def _case() -> dict:  # type: ignore[type-arg]
    return demo_world_case()


@lru_cache(maxsize=1)
def demo_personal_values() -> frozenset[str]:
    """Every name, email, phone and street line of the demo world (at least a few dozen distinct ones)."""
    case = _case()
    found: set[str] = set()
    for name, rows in case["salesforce"]["records"].items():
        for row in rows:
            found |= personal_values(row, name)
    for obj in case["stripe"]["objects"]:
        found |= personal_values(obj)
    return frozenset(found)


def demo_order_numbers() -> list[str]:
    """The demo world's order numbers, as its manifest lists them."""
    from pathlib import Path

    import toolkit.sandbox

    manifest = Path(toolkit.sandbox.__file__).parent / "data" / "demo-world.manifest.json"
    return [order["order_number"] for order in json.loads(manifest.read_text(encoding="utf-8"))["orders"]]


@lru_cache(maxsize=1)
def _variants() -> tuple[tuple[str, frozenset[str]], ...]:
    """Each personal value with the forms it takes inside HTML and JSON text (escaped quotes, ``\\u`` escapes)."""
    out = []
    for value in sorted(demo_personal_values()):
        forms = {value, html.escape(value), html.escape(value, quote=False), json.dumps(value)[1:-1],
                 json.dumps(value, ensure_ascii=False)[1:-1], json.dumps(html.escape(value))[1:-1]}
        out.append((value, frozenset(forms)))
    return tuple(out)


def leaks(text: str) -> list[str]:
    """The demo world's personal values (as they are, HTML- or JSON-escaped) and the key-shaped strings ``text``
    holds (empty: clean)."""
    found = [value for value, forms in _variants() if any(form in text for form in forms)]
    return found + KEY_SHAPED.findall(text)
