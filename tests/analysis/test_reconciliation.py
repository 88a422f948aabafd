"""Reconciliation rows: OMS and Stripe amounts side by side, on demo-world orders."""

import pytest

from toolkit.session import connect


@pytest.fixture(scope="module")
def session():
    return connect(env={})


def rows(session, order):
    return {row["quantity"]: row for row in session.trace(order).to_json()["reconciliation"]}


def test_a_checkout_capture_shows_no_authorization_difference(session):
    # 00001035: captured at checkout (a Sale Payment, no PaymentAuthorization), then refunded in the Dashboard
    by_quantity = rows(session, "00001035")
    assert by_quantity["authorized"]["oms"] == by_quantity["authorized"]["stripe"] == "0.00"
    assert by_quantity["captured"]["difference"] == "0.00"
    assert (by_quantity["refunded"]["oms"], by_quantity["refunded"]["stripe"]) == ("0.00", "20.00")
    assert by_quantity["refunded"]["difference"] == "-20.00"


def test_a_manual_capture_compares_the_authorization(session):
    # 00001017: authorized at checkout, expired before Order Management captured it
    by_quantity = rows(session, "00001017")
    assert (by_quantity["authorized"]["oms"], by_quantity["authorized"]["stripe"]) == ("129.00", "129.00")
    assert (by_quantity["available to capture"]["oms"], by_quantity["available to capture"]["stripe"]) == (
        "129.00", "0.00")


def test_zero_decimal_amounts_keep_their_scale(session):
    by_quantity = rows(session, "00001007")  # a healthy JPY order captured by Order Management
    assert by_quantity["captured"]["currency"] == "JPY"
    assert by_quantity["captured"]["oms"] == by_quantity["captured"]["stripe"] == "15800"
