"""Masking personal data as it is read (toolkit.core.privacy): Salesforce records and Stripe objects, free text,
what stays (country, card brand and last4, ids, amounts), idempotence, and the switch on the session."""

from __future__ import annotations

import json

from toolkit import connect
from toolkit.core.privacy import MASKS, mask_json_text, mask_record, mask_stripe, personal_kind
from toolkit.sandbox.people import shopper_for

SHOPPER = shopper_for("00009001", "USD")


def _order_summary() -> dict:
    return {"attributes": {"type": "OrderSummary"}, "Id": "1OsSB0000000001AAA", "OrderNumber": "00009001",
            "BillingEmailAddress": SHOPPER.email, "BillingPhoneNumber": SHOPPER.phone,
            "BillingStreet": SHOPPER.billing.street, "BillingCity": SHOPPER.billing.city,
            "BillingPostalCode": SHOPPER.billing.postal_code, "BillingCountry": "US", "GrandTotalAmount": 59.9,
            "Account": {"attributes": {"type": "Account"}, "Name": SHOPPER.name, "PersonEmail": SHOPPER.email},
            "OrderPaymentSummaries": {"totalSize": 1, "done": True, "records": [
                {"attributes": {"type": "OrderPaymentSummary"}, "Id": "0bMSB0000000001AAA",
                 "Method": "Visa - 4242", "FullName": SHOPPER.name}]},
            "Description": f"Call {SHOPPER.name} on {SHOPPER.phone} before shipping"}


def test_a_salesforce_record_keeps_ids_amounts_and_country_and_loses_the_person() -> None:
    masked = mask_record(_order_summary())
    text = json.dumps(masked, ensure_ascii=False)
    for value in (SHOPPER.name, SHOPPER.email, SHOPPER.phone, SHOPPER.billing.line1, SHOPPER.billing.postal_code):
        assert value not in text
    assert masked["BillingEmailAddress"] == MASKS["email"] and masked["BillingStreet"] == MASKS["address"]
    assert masked["Account"]["Name"] == MASKS["name"] and masked["BillingPhoneNumber"] == MASKS["phone"]
    assert masked["OrderPaymentSummaries"]["records"][0]["FullName"] == MASKS["name"]
    assert masked["OrderPaymentSummaries"]["records"][0]["Method"] == "Visa - 4242"
    assert (masked["Id"], masked["OrderNumber"], masked["BillingCountry"], masked["GrandTotalAmount"]) == (
        "1OsSB0000000001AAA", "00009001", "US", 59.9)
    assert masked["Description"] == "Call [personal data redacted] on [personal data redacted] before shipping"
    assert mask_record(masked) == masked  # idempotent


def test_name_is_personal_only_on_person_objects() -> None:
    assert personal_kind("Account", "Name") == "name" and personal_kind("Contact", "Name") == "name"
    assert personal_kind("Product2", "Name") is None and personal_kind("OrderSummary", "Name") is None
    assert personal_kind("OrderSummary", "ShippingLatitude") == "location"


def test_a_stripe_charge_keeps_country_brand_and_last4() -> None:
    charge = {"id": "ch_1", "object": "charge", "amount": 5990, "billing_details": SHOPPER.billing_details(),
              "receipt_email": SHOPPER.email, "description": f"Order for {SHOPPER.email}",
              "shipping": {"name": SHOPPER.name, "phone": SHOPPER.phone, "address": SHOPPER.shipping.stripe()},
              "payment_method_details": {"type": "card", "card": {"brand": "visa", "last4": "4242", "exp_month": 12,
                                                                  "exp_year": 2030, "country": "US"}}}
    masked = mask_stripe(charge)
    text = json.dumps(masked, ensure_ascii=False)
    for value in (SHOPPER.name, SHOPPER.email, SHOPPER.phone, SHOPPER.billing.line1, SHOPPER.shipping.line1):
        assert value not in text
    assert masked["billing_details"]["address"]["country"] == "US"
    assert masked["payment_method_details"]["card"] == charge["payment_method_details"]["card"]
    assert masked["amount"] == 5990 and masked["id"] == "ch_1"
    assert masked["description"] == f"Order for {MASKS['email']}"
    assert mask_stripe(masked) == masked
    event = mask_stripe({"id": "evt_1", "object": "event", "data": {"object": charge, "previous_attributes": {
        "billing_details": {"name": SHOPPER.name}}}})
    assert event["data"]["object"] == masked and event["object"] == "event"
    assert SHOPPER.name not in json.dumps(event, ensure_ascii=False)
    listed = mask_stripe({"object": "list", "data": [charge, charge], "has_more": False})
    assert listed["data"] == [masked, masked] and listed["has_more"] is False


def test_json_kept_as_text_is_masked_inside() -> None:
    text = json.dumps({"billing_details": {"name": SHOPPER.name, "email": SHOPPER.email}, "amount": 100})
    masked = json.loads(mask_json_text(text))
    assert masked == {"billing_details": {"name": MASKS["name"], "email": MASKS["email"]}, "amount": 100}
    assert mask_json_text("not json at all") == "not json at all"


def test_the_session_masks_by_default_and_can_show_personal_data() -> None:
    masked = connect()
    rows = masked.salesforce_gateway().query(_account_query())
    assert rows and all(row["Name"] == MASKS["name"] and row["PersonEmail"] == MASKS["email"] for row in rows)
    masked.mask_personal_data = False  # switchable per session, from the next read on
    shown = masked.salesforce_gateway().query(_account_query())
    assert all(row["Name"] != MASKS["name"] and "@example." in row["PersonEmail"] for row in shown)
    assert "Personal data SHOWN" in masked.banner
    pi = connect(mask_personal_data=False).stripe_gateway().retrieve_payment_intent(
        connect().trace("00001001").payment_intents[0])
    assert pi["id"].startswith("pi_")


def _account_query():  # type: ignore[no-untyped-def]
    from toolkit.salesforce.templates import Soql

    return Soql("SELECT Id, Name, PersonEmail FROM Account LIMIT 5", "test.accounts")


def test_the_soql_helpers_follow_the_session_and_a_bare_client_masks() -> None:
    from toolkit import queries

    shown = connect(mask_personal_data=False)
    order = shown.trace("00001001").chain.order_summaries[0]["Id"]
    frame = queries.run(shown, "order_summaries_by_id", order_summary_ids=[order])
    assert "@example." in frame["BillingEmailAddress"].iloc[0]  # a session showing personal data shows it
    assert queries.run(shown.sf, "order_summaries_by_id", order_summary_ids=[order])[
        "BillingEmailAddress"].iloc[0] == MASKS["email"]  # a bare client: masked, always
    assert queries.run(connect(), "order_summaries_by_id", order_summary_ids=[order])[
        "BillingEmailAddress"].iloc[0] == MASKS["email"]


def test_the_command_line_masks_unless_asked(capsys) -> None:  # type: ignore[no-untyped-def]
    from toolkit.cli.main import main

    assert main(["trace", "00001001", "--format", "json"]) == 0
    assert "Personal data masked." in capsys.readouterr().err
    assert main(["trace", "00001001", "--format", "json", "--show-personal-data"]) == 0
    assert "Personal data SHOWN (masking is off)." in capsys.readouterr().err


def test_flattened_parent_paths_of_a_bulk_row_are_masked_by_their_object() -> None:
    row = {"Id": "1OsSB0000000001AAA", "Account.Name": SHOPPER.name, "Account.PersonEmail": SHOPPER.email,
           "OrderPaymentSummary.Method": "Visa - 4242", "Owner.Name": "Dana Analyst", "Product2.Name": "Sweater"}
    masked = mask_record(row, "OrderSummary")
    assert masked["Account.Name"] == MASKS["name"] and masked["Account.PersonEmail"] == MASKS["email"]
    assert masked["Owner.Name"] == MASKS["name"] and masked["Product2.Name"] == "Sweater"
    assert masked["OrderPaymentSummary.Method"] == "Visa - 4242"
