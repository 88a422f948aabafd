import pytest
from hypothesis import given
from hypothesis import strategies as st

from toolkit.core.ids import is_salesforce_id, normalize_id, to_18

ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def test_known_ids_from_the_example_case():
    assert to_18("1OsHxK0E0000001") == "1OsHxK0E0000001KFA"
    assert normalize_id("0XtHxG8C0000001") == "0XtHxG8C0000001KFA"
    assert normalize_id("0XtHxG8C0000001KFA") == "0XtHxG8C0000001KFA"


@pytest.mark.parametrize("bad", ["", "pi_123", "0XtHxG8C0000001KFB", "0XtHxG8C00000-1", "short", "x" * 16])
def test_malformed_ids_are_refused(bad):
    assert normalize_id(bad) is None
    assert not is_salesforce_id(bad)


@given(st.text(alphabet=ALNUM, min_size=15, max_size=15))
def test_suffix_is_case_safe_and_idempotent(id15):
    full = to_18(id15)
    assert full[:15] == id15
    assert to_18(full) == full
    # two ids differing only in case get different 18-character forms
    swapped = id15.swapcase()
    if swapped != id15:
        assert to_18(swapped) != full
