"""Subject parsing: kinds by prefix (Stripe) and by describe's key prefixes (Salesforce)."""

from __future__ import annotations

import pytest

from toolkit.errors import InputError
from toolkit.investigate.subjects import SubjectKind, parse_subject

PREFIXES = {"1Os": "OrderSummary", "0bM": "OrderPaymentSummary", "0Xc": "PaymentAuthorization", "0a6": "Payment",
            "0a7": "Refund", "0Xt": "PaymentGatewayLog", "001": "Account"}


@pytest.mark.parametrize(("text", "kind"), [
    ("pi_3Q0SM8zJpqHmSKkAdDeUpQyU", SubjectKind.PAYMENT_INTENT),
    ("ch_3QnysWH7Oztf1TICzFD2Ou3q", SubjectKind.CHARGE),
    ("txn_3QnysWH7Oztf1TICzFD2Ou3q", SubjectKind.BALANCE_TRANSACTION),
    ("re_3Q6wlMpLvBjvj4IZUxRtRk2P", SubjectKind.REFUND),
    (" 00001042 ", SubjectKind.ORDER_NUMBER),
    ("1OsHxK0E0000001KFA", SubjectKind.ORDER_SUMMARY),
    ("1OsHxK0E0000001", SubjectKind.ORDER_SUMMARY),
    ("0bMHxQNM0000001MHA", SubjectKind.ORDER_PAYMENT_SUMMARY),
    ("0XcHxM130000001KBA", SubjectKind.PAYMENT_AUTHORIZATION),
    ("0XtHxG8C0000001KFA", SubjectKind.PAYMENT_GATEWAY_LOG),
])
def test_kinds(text, kind):
    assert parse_subject(text, PREFIXES).kind is kind


def test_prefix_comes_from_describe_not_a_list():
    assert parse_subject("1OsHxK0E0000001KFA", {}).kind is SubjectKind.ORDER_NUMBER


@pytest.mark.parametrize("text", ["", "pi_", "pi_x!", "cus_ABC123", "0XcHxM130000001KBB", "001HxK0E0000001KFA",
                                  "two words"])
def test_bad_subjects_are_one_sentence_input_errors(text):
    with pytest.raises(InputError) as info:
        parse_subject(text, PREFIXES)
    assert "\n" not in str(info.value)
