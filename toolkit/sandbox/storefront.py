"""A storefront simulator: checkout as Stripe's LINK cartridge and the B2C-to-OMS integration do it.

:meth:`Storefront.place_order` creates and confirms the PaymentIntent at the sandbox's Stripe account
(``capture_method`` manual -> ``requires_capture``; automatic -> captured, with a balance transaction),
with ``metadata.order_id`` / ``metadata.site_id`` (recent cartridge versions) or none (old card flows),
then writes the order into Order Management: Account, OrderSummary, OrderPaymentSummary, CardPaymentMethod
and either a PaymentAuthorization (``pi_...``, External, Processed, ExpirationDate = ``capture_before``) or
a Payment (``txn_...``, Type Sale, External, Processed). The connector's PaymentGateway
(``SALESFORCE_PAYMENTS``, IdempotencySupported No) is created once.

The cartridge calls Stripe's API; the sandbox does it through the account's Python operation with a
request id of its own (the same rules and events as ``POST /v1/payment_intents``, plus billing details,
which the sandbox's HTTP route does not take).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from toolkit.core.money import normalize_currency, to_minor
from toolkit.sandbox.org_writer import OrgWriter, RecordWriter, sf_amount, sf_datetime
from toolkit.sandbox.people import shopper_for

if TYPE_CHECKING:
    from toolkit.sandbox.sandbox import Sandbox

__all__ = ["GATEWAY_NAME", "PlacedOrder", "Storefront"]

GATEWAY_NAME = "SALESFORCE_PAYMENTS"
SITE_ID = "RefArch"


@dataclass
class PlacedOrder:
    """What checkout created, by id, for scenario scripts and the demo manifest."""

    order_number: str
    currency: str
    amount: Decimal
    payment_intent: str
    charge: str
    order_summary_id: str
    ops_id: str
    account_id: str
    authorization_id: str | None = None
    payment_id: str | None = None
    balance_transaction: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class Storefront:
    """Places orders into both systems; remembers them by order number."""

    def __init__(self, sandbox: Sandbox, *, writer: RecordWriter | None = None) -> None:
        self.sandbox = sandbox
        self.writer: RecordWriter = writer if writer is not None else OrgWriter(sandbox.org)
        self.orders: dict[str, PlacedOrder] = {}
        self._gateway_id: str | None = None

    def __repr__(self) -> str:
        return f"Storefront(orders={len(self.orders)})"

    @property
    def gateway_id(self) -> str:
        if self._gateway_id is None:
            self._gateway_id = self.writer.create("PaymentGateway", {
                "PaymentGatewayName": GATEWAY_NAME, "Status": "Active", "IdempotencySupported": "No",
                "MerchantCredentialId": "0XA000000000001", "PaymentGatewayProviderId": "0cJ000000000001"})
        return self._gateway_id

    def place_order(self, order_number: str, amount: Decimal, currency: str, *,
                    capture: Literal["manual", "automatic"] = "manual", metadata: bool = True,
                    shopper_name: str | None = None, shopper_email: str | None = None,
                    card: str = "pm_card_visa", oms_reference: bool = True) -> PlacedOrder:
        """Checkout: PaymentIntent at Stripe, then the order in OMS. ``amount`` is in major units.

        The shopper (name, email, phone, billing and shipping address) is made up from the order number
        (:func:`toolkit.sandbox.people.shopper_for`); ``shopper_name`` / ``shopper_email`` replace theirs.
        ``oms_reference=False`` plays an integration that dropped the Stripe id (no ``pi_``/``txn_`` in OMS).
        """
        if order_number in self.orders:
            raise ValueError(f"order {order_number} was already placed")
        if capture not in ("manual", "automatic"):
            raise ValueError("capture must be 'manual' or 'automatic'")
        currency = normalize_currency(currency)
        shopper = shopper_for(order_number, currency)
        shopper_name = shopper_name or shopper.name
        shopper_email = shopper_email or shopper.email
        billing, shipping = shopper.billing, shopper.shipping
        stripe = self.sandbox.stripe
        meta = {"order_id": order_number, "site_id": SITE_ID} if metadata else {}
        request = {"id": stripe.app.new_request_id(), "idempotency_key": None}
        pi = stripe.create_payment_intent(
            amount=to_minor(amount, currency), currency=currency.lower(), capture_method=capture, metadata=meta,
            confirm=True, payment_method=card, request=request, description=f"Order {order_number}",
            billing_details={**shopper.billing_details(), "name": shopper_name, "email": shopper_email})
        charge = stripe.get(pi["latest_charge"]) or {}
        card_details = (charge.get("payment_method_details") or {}).get("card") or {}
        now = sf_datetime(self.sandbox.clock.now())
        w = self.writer
        account_id = w.create("Account", {
            "Name": shopper_name, "PersonEmail": shopper_email, "Phone": shopper.phone,
            "ShippingStreet": shipping.street, "ShippingCity": shipping.city, "ShippingState": shipping.state,
            "ShippingPostalCode": shipping.postal_code, "ShippingCountry": shipping.country,
            "CurrencyIsoCode": currency})
        method_id = w.create("CardPaymentMethod", {
            "CardHolderName": shopper_name, "CardLastFour": str(card_details.get("last4") or "4242"),
            "CardType": str(card_details.get("brand") or "visa").title(), "CardCategory": "CreditCard",
            "ExpiryMonth": 12, "ExpiryYear": 2030, "Status": "Active", "ProcessingMode": "External",
            "AccountId": account_id, "PaymentGatewayId": self.gateway_id})
        total = sf_amount(amount)
        summary_id = w.create("OrderSummary", {
            "OrderNumber": order_number, "Status": "Waiting to Fulfill", "OrderedDate": now,
            "GrandTotalAmount": total, "TotalAmount": total, "CurrencyIsoCode": currency, "AccountId": account_id,
            "ExternalReferenceIdentifier": order_number, "BillingEmailAddress": shopper_email,
            "BillingPhoneNumber": shopper.phone, "BillingStreet": billing.street, "BillingCity": billing.city,
            "BillingState": billing.state, "BillingPostalCode": billing.postal_code,
            "BillingCountry": billing.country})
        brand = str(card_details.get("brand") or "visa")
        ops_id = w.create("OrderPaymentSummary", {
            "OrderSummaryId": summary_id, "Method": f"{brand.title()} - {card_details.get('last4') or '4242'}",
            "Type": brand, "FullName": shopper_name, "PaymentMethodId": method_id, "CurrencyIsoCode": currency})
        placed = PlacedOrder(order_number, currency, amount, pi["id"], charge.get("id", ""), summary_id, ops_id,
                             account_id)
        common = {"Amount": total, "Status": "Processed", "ProcessingMode": "External", "SfResultCode": "Success",
                  "GatewayDate": now, "GatewayResultCode": "success", "OrderPaymentSummaryId": ops_id,
                  "PaymentGatewayId": self.gateway_id, "PaymentMethodId": method_id, "AccountId": account_id,
                  "Date": now, "EffectiveDate": now, "CurrencyIsoCode": currency}
        if capture == "manual":
            before = card_details.get("capture_before")
            values = {**common, "GatewayAuthCode": str(charge.get("authorization_code") or "123456")}
            if oms_reference:
                values["GatewayRefNumber"] = pi["id"]
            if before:
                values["ExpirationDate"] = sf_datetime(datetime.fromtimestamp(int(before), UTC))
            placed.authorization_id = w.create("PaymentAuthorization", values)
        else:
            txn = charge.get("balance_transaction")
            placed.balance_transaction = txn
            values = {**common, "Type": "Sale"}
            if oms_reference and txn:
                values["GatewayRefNumber"] = txn
            placed.payment_id = w.create("Payment", values)
        self.orders[order_number] = placed
        return placed
