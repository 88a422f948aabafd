"""The banner every command of ``python -m toolkit`` prints on standard error once it has a session (``Data: ...``,
the org, the Stripe account and mode, writes, masking): tests of a command's standard error strip it with
:func:`without_banner` and assert on the rest, exactly as strictly as before the banner existed."""

from __future__ import annotations

__all__ = ["BANNER_START", "without_banner"]

BANNER_START = "Data: "


def without_banner(err: str, *, required: bool = True) -> str:
    """Standard error without the one banner line it starts with (asserted to be there, once, and to say whether
    personal data is masked); ``required=False`` when the command may have failed before opening a session."""
    first, newline, rest = err.partition("\n")
    if not first.startswith(BANNER_START):
        assert not required, f"no banner line on standard error: {err!r}"
        assert BANNER_START + "the " not in err, err
        return err
    assert newline and "Personal data" in first and "Writes " in first, first
    assert not any(line.startswith(BANNER_START) for line in rest.splitlines()), f"banner printed twice: {err!r}"
    return rest
