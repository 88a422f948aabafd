#!/usr/bin/env python3
"""Write ``toolkit/sandbox/stripe/schema_keys.json``: the key sets of the embedded Stripe account, from Stripe's
published OpenAPI schemas (``tests/data/stripe-openapi/``, the derivation in ``tests/stripe_openapi.py``).

Usage (from the repository root, with the project's virtualenv): ``python tools/stripe_key_sets.py``. A test
(``tests/sandbox/stripe/test_casefile.py``) checks that the shipped file is what this writes.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "toolkit" / "sandbox" / "stripe" / "schema_keys.json"
COMMENT = ("Per Stripe object type the sandbox serves: its keys, each with the neutral value a case file that leaves "
           "it out gets (null, false, 0, [], {}, or Stripe's default), the JSON type the case-file loader checks, and "
           "the keys a case file must give (no neutral value). Derived from Stripe's published OpenAPI schemas "
           "(tests/data/stripe-openapi/) by tools/stripe_key_sets.py; never edited by hand.")


def render() -> str:
    sys.path.insert(0, str(ROOT / "tests"))
    from stripe_openapi import derive_key_sets

    return json.dumps({"_comment": COMMENT, **derive_key_sets()}, indent=1) + "\n"


def main() -> int:
    TARGET.write_text(render(), encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
