"""Anything outside the SOQL the sandbox reads is MALFORMED_QUERY, never silently dropped."""

from __future__ import annotations

import pytest

from toolkit.sandbox.org.soql import SoqlError, parse


@pytest.mark.parametrize(("soql", "token"), [
    ("SELECT * FROM Payment", "*"),
    ("SELECT Id FROM Payment WHERE Amount = 1 AND Status = 'x' OR Type = 'Sale'", "OR"),
    ("SELECT Id FROM Payment WHERE Amount = 1 OR Status = 'x' AND Type = 'Sale'", "AND"),
    ("SELECT Id FROM Payment WITH SECURITY_INFORCED", "SECURITY_INFORCED"),
    ("SELECT Id FROM Payment WITH DATA CATEGORY Geography__c AT asia__c", "CATEGORY"),
    ("SELECT Id FROM Payment USING SCOPE Mine", "USING"),
    ("SELECT Id FROM Payment FOR UPDATE", "FOR"),
    ("SELECT Id FROM Payment FOR VIEW", "FOR"),
    ("SELECT Id FROM Payment LIMIT 5 garbage", "garbage"),
    ("SELECT Id FROM Payment WHERE", "<EOF>"),
    ("SELECT Id FROM", "<EOF>"),
    ("SELECT FROM Payment", "FROM"),
    ("SELECT Id, FROM Payment", "FROM"),
    ("SELECT Id FROM Payment JOIN Refund ON Id = Id", "JOIN"),
    ("SELECT Id FROM Payment p", "p"),
    ("SELECT Id FROM Payment WHERE Status INCLUDES ('a')", "INCLUDES"),
    ("SELECT Id FROM Payment WHERE Status = \"x\"", '"'),
    ("SELECT Id FROM Payment WHERE Status = 'x", "'"),
    ("SELECT Id FROM Payment WHERE Status == 'x'", "="),
    ("SELECT Id FROM Payment;", ";"),
    ("SELECT Id FROM Payment UPDATE TRACKING", "UPDATE"),
    ("SELECT Id FROM Payment WHERE Id IN :ids", ":"),
    ("", "<EOF>"),
])
def test_unexpected_token(soql, token):
    with pytest.raises(SoqlError) as info:
        parse(soql)
    err = info.value
    assert (err.error_code, err.status) == ("MALFORMED_QUERY", 400)
    assert f"'{token}'" in err.message


def test_message_shape():
    with pytest.raises(SoqlError) as info:
        parse("SELECT Id FROM Payment WHERE Amount = 1 AND Status = 'x' OR Type = 'Sale'")
    assert info.value.message == (
        "\nSELECT Id FROM Payment WHERE Amount = 1 AND Status = 'x' OR Type = 'Sale'\n"
        + " " * 57 + "^\nERROR at Row:1:Column:58\nunexpected token: 'OR'"
    )


def test_multiline_query_and_whitespace():
    query = parse("SELECT Id,\n  Amount\nFROM Payment\nWHERE Amount > 5\n  AND Status = 'x'\n")
    assert query.object_name == "Payment"
    with pytest.raises(SoqlError) as info:
        parse("SELECT Id\nFROM Payment\nWHERE Amount >")
    assert "ERROR at Row:3:Column:" in info.value.message


def test_parse_is_cached():
    assert parse("SELECT Id FROM Payment") is parse("SELECT Id FROM Payment")


def test_error_repr_and_str():
    err = SoqlError("INVALID_FIELD", "No such column")
    assert err.status == 400
    assert str(err) == "INVALID_FIELD: No such column"
    assert "INVALID_FIELD" in repr(err)
