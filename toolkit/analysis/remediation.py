"""Remediation texts for support analysts, as data: one per trace finding code and per capture cause.

Each text says what to do and what not to do. Keys are the codes exactly as ``docs/findings.md``
spells them (the enums in :mod:`toolkit.analysis.findings` and :mod:`toolkit.analysis.capture_causes` are ``StrEnum`` s,
so they index these mappings directly). Kept apart from the rules so wording can be reviewed without
reading code.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["CAUSE_REMEDIATION", "FINDING_REMEDIATION", "cause_remediation", "finding_remediation"]

FINDING_REMEDIATION: Mapping[str, str] = MappingProxyType({
    "AUTH_EXPIRED_UNCAPTURED": (
        "Stripe released this authorization before Order Management captured it, so no money can be captured "
        "on it. Contact the customer for a new payment (or write the amount off), then reverse or zero the "
        "remaining authorization in Order Management so it stops showing as available to capture. Do not retry "
        "the capture: it fails on a canceled PaymentIntent. Capture within 7 days of authorization in future."
    ),
    "AUTH_CANCELED_UNCAPTURED": (
        "The PaymentIntent was canceled at Stripe (by someone or something other than expiry) while Order "
        "Management still expects to capture it. Find out who canceled it and why (the PaymentIntent's events "
        "and the Stripe Dashboard's logs), then either collect a new payment or cancel the remaining amount in "
        "Order Management. Do not retry the capture: a canceled PaymentIntent cannot be captured."
    ),
    "AUTH_EXPIRING": (
        "The authorization is about to be released by Stripe. Capture it now from Order Management (fulfil or "
        "invoice the order so Ensure Funds runs), or, if the order will not ship in time, plan to collect a new "
        "payment. Do not capture it directly in the Stripe Dashboard: Order Management would not know about the "
        "capture and would try again."
    ),
    "CAPTURABLE_REMAINDER_RELEASED": (
        "Stripe captured part of this authorization and released the rest, because the connector captures only "
        "once per authorization. The remaining amount shown as available to capture in Order Management cannot "
        "be captured: collect a new payment for it or cancel it in Order Management. Do not retry the capture; "
        "Stripe rejects a second capture."
    ),
    "CAPTURE_MISSING_IN_OMS": (
        "Stripe captured more than Order Management recorded (typically a capture whose answer was lost, or a "
        "capture made in the Stripe Dashboard). Record the captured amount in Order Management (a Payment linked "
        "to the authorization) after confirming it in Stripe. Do not capture again: the customer has already "
        "been charged."
    ),
    "CAPTURE_MISSING_IN_STRIPE": (
        "Order Management shows money captured that Stripe never took. Check the Stripe payment and the gateway "
        "log before anything else; if the authorization is still open, capture the missing amount through Order "
        "Management, otherwise collect a new payment and correct the Order Management Payment. Do not mark the "
        "order as paid on the strength of Order Management alone."
    ),
    "REFUND_MISSING_IN_OMS": (
        "Stripe refunded more than Order Management recorded (typically a refund issued in the Stripe "
        "Dashboard). Record the refund in Order Management so its balances match, after confirming it in Stripe. "
        "Do not refund again from Order Management: the customer already has the money."
    ),
    "REFUND_MISSING_IN_STRIPE": (
        "Order Management shows a refund that Stripe never made, so the customer has not been paid back. Check "
        "the gateway log of the refund, then issue the missing amount once (from Order Management, or in Stripe "
        "followed by recording it). Do not issue it twice: confirm in Stripe first that no refund is pending."
    ),
    "AMOUNT_SCALE_MISMATCH": (
        "In this zero-decimal currency one system holds 100 times the other's amount: an integration converted "
        "minor units as if the currency had two decimals. Treat Stripe's amount as the money that really moved, "
        "correct the Order Management record, and report the integration defect. Do not refund or capture to "
        "make the numbers match."
    ),
    "REFUND_FAILED": (
        "The refund failed at the customer's bank; the money came back to the Stripe balance and the customer "
        "has not been repaid. Contact the customer for another way to repay them (or a new card) and correct "
        "the Order Management Refund. Do not simply retry the same refund to the same card."
    ),
    "REFUND_PENDING": (
        "The refund has not completed yet. Wait for it (card refunds settle within days; insufficient_funds "
        "waits for the Stripe balance to be topped up; requires_action needs the customer's details). Do not "
        "issue another refund for the same amount while this one is pending."
    ),
    "POSSIBLE_DUPLICATE_REFUND": (
        "Two or more refunds of the same amount were made on this payment within a day. Check the order's "
        "returns and credit memos: if only one refund was due, the customer was overpaid; contact them before "
        "anything else. Do not cancel or reverse refunds in Stripe without the customer's agreement."
    ),
    "CHARGE_DISPUTED": (
        "The customer disputed this payment with their bank. While the dispute is open, answer it in the Stripe "
        "Dashboard before its deadline, with the order's evidence; once lost, the amount and the fee are gone: "
        "record the loss as your process says; once won, the amount is back. Do not refund the disputed amount: a "
        "refund does not close the dispute and can pay the customer twice."
    ),
    "PAYMENT_INTENT_NOT_FOUND": (
        "Stripe does not know the payment written on this Order Management record with the key in use. Check "
        "that the key belongs to the right Stripe account and mode (test or live) and that the reference was "
        "copied correctly. Do not conclude that the payment never happened until the account and mode are "
        "confirmed."
    ),
    "NO_STRIPE_REFERENCE": (
        "No Stripe payment reference (pi_ or txn_) is recorded for this payment summary, so it cannot be traced "
        "to Stripe. Find the payment in Stripe by the order number (PaymentIntent metadata order_id), the amount "
        "and the date, then record its reference. Do not capture or refund on this summary until it is linked."
    ),
    "GATEWAY_FAILURES": (
        "Order Management's calls to Stripe failed or timed out for this payment summary. Run the failed-capture "
        "diagnosis for the cause of each capture failure and read the gateway messages. Do not retry "
        "blindly: a timed-out call may have succeeded at Stripe."
    ),
    "ORPHAN_PAYMENT_INTENT": (
        "Stripe holds a payment for an order that never reached Order Management. Check the B2C Commerce order "
        "and the import into Order Management; if the order was abandoned, cancel the PaymentIntent (or refund "
        "it if it was captured). Do not create the order summary by hand without its payment records."
    ),
    "CURRENCY_MISMATCH": (
        "Order Management and Stripe record this payment in different currencies, so the toolkit compares none "
        "of their amounts. Check which currency the shopper was charged in (Stripe is the money that moved) and "
        "correct the payment summary, then trace the order again. Do not capture or refund on either side until "
        "the currencies agree: an amount in one currency means something else in the other."
    ),
})

CAUSE_REMEDIATION: Mapping[str, str] = MappingProxyType({
    "PAYMENT_INTENT_NOT_FOUND": (
        "The capture could not reach a Stripe payment: the payment summary has no pi_/txn_ reference, or Stripe "
        "does not know it with the connector's key. Check the reference on the authorization and the account "
        "and mode of the connector's key. Do not retry the capture until the reference is confirmed."
    ),
    "AUTHENTICATION_FAILED": (
        "Stripe refused the connector's credentials (invalid, expired or restricted key). Have an administrator "
        "fix the StripeAPI named credential or the key's permissions, then retry the capture if the PaymentIntent "
        "still requires capture (if it has been captured or canceled since, there is nothing left to retry). Do "
        "not paste keys "
        "into cases, chats or logs."
    ),
    "RATE_LIMITED": (
        "Stripe asked the connector to slow down (too many requests or contention on the payment). Retry the "
        "capture later, while the authorization is still open (once it has been captured or canceled there is "
        "nothing left to retry). Do not retry in a tight loop."
    ),
    "TIMEOUT_BUT_CAPTURED": (
        "The capture timed out in Salesforce but Stripe did capture the money. Record the capture in Order "
        "Management (a Payment for the captured amount). Do not retry the capture: the customer has already "
        "been charged."
    ),
    "TIMEOUT_NOT_CAPTURED": (
        "The capture got no answer and Stripe shows no capture. Retry it from Order Management while the "
        "PaymentIntent still requires capture. Do not capture in the Stripe Dashboard instead: Order Management "
        "would not record it."
    ),
    "AUTH_EXPIRED": (
        "The authorization had expired at Stripe before the capture was attempted; no money can be captured on "
        "it. Collect a new payment from the customer (or write the amount off) and cancel the remaining amount "
        "in Order Management. Do not retry the capture."
    ),
    "AUTH_CANCELED": (
        "The PaymentIntent had been canceled at Stripe before the capture was attempted. Find out who canceled "
        "it, then collect a new payment or cancel the remaining amount in Order Management. Do not retry the "
        "capture."
    ),
    "SECOND_CAPTURE_REJECTED": (
        "An earlier partial capture already closed this authorization; Stripe released the rest and rejects any "
        "further capture. Collect a new payment for the remainder or cancel it in Order Management. Do not retry "
        "the capture."
    ),
    "ALREADY_CAPTURED": (
        "Stripe had already captured the full amount. If Order Management does not show that capture, record it "
        "there. Do not retry the capture and do not refund to compensate."
    ),
    "AMOUNT_EXCEEDS_CAPTURABLE": (
        "The capture asked for more than Stripe can still capture on this authorization. Retry with an amount no "
        "larger than the capturable amount, and correct the order's totals if they grew after authorization. "
        "Do not try to capture the difference on the same authorization."
    ),
    "STRIPE_API_ERROR": (
        "Stripe had an internal error. Check status.stripe.com, then retry the capture while the PaymentIntent "
        "still requires capture. Check the PaymentIntent first: a capture that errored may still have succeeded."
    ),
    "UNKNOWN": (
        "The toolkit could not tell why this capture failed. Read the gateway log's Request and Response and the "
        "PaymentIntent's events in Stripe, and escalate with the case file. Do not retry until the cause is known."
    ),
})


def finding_remediation(code: str) -> str:
    """The remediation text of a trace finding code (KeyError for an unknown code)."""
    return FINDING_REMEDIATION[str(code)]


def cause_remediation(cause: str) -> str:
    """The remediation text of a failed-capture cause (KeyError for an unknown cause)."""
    return CAUSE_REMEDIATION[str(cause)]
