"""The plain-data inputs of the analysis rules: what was fetched, before anything is concluded.

A fetch step (trace, diagnose, reconcile) gathers these from Salesforce and Stripe; the pure rules in
:mod:`toolkit.analysis.findings` and :mod:`toolkit.analysis.capture_causes` read them and never issue a request.
Records and objects stay in the systems' own shapes (plain dicts, no ``attributes`` needed), so a case
file, a live query result and a hand-written test dict are all valid inputs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal, Protocol

from toolkit.core.ids import normalize_id

__all__ = ["ChainRecords", "MissingObject", "OpsEvidence", "StripePaymentEvidence", "StripeReference",
           "same_record_id"]

Record = dict[str, Any]


class ChainRecords(Protocol):
    """The Order Management records of some orders, as the rules read them (a
    :class:`toolkit.salesforce.RecordChain` is one): plain dicts in the API's own value shapes."""

    @property
    def order_summaries(self) -> Sequence[Record]: ...
    @property
    def payment_summaries(self) -> Sequence[Record]: ...
    @property
    def authorizations(self) -> Sequence[Record]: ...
    @property
    def payments(self) -> Sequence[Record]: ...
    @property
    def refunds(self) -> Sequence[Record]: ...
    @property
    def refund_line_payments(self) -> Sequence[Record]: ...
    @property
    def gateway_logs(self) -> Sequence[Record]: ...


@dataclass(frozen=True)
class MissingObject:
    """Stripe answered resource_missing for ``object_id``.

    ``other_mode``: Stripe's message says a similar object exists in the other mode; ``key_livemode``:
    whether the key used is live (from the message, else from the session's key mode; None when unknown).
    """

    object_id: str
    message: str
    other_mode: bool
    key_livemode: bool | None


def same_record_id(left: str | None, right: str | None) -> bool:
    """Whether two Salesforce ids name the same record (15- and 18-character forms compare equal)."""
    if not left or not right:
        return False
    return (normalize_id(left) or left) == (normalize_id(right) or right)


@dataclass(frozen=True)
class StripePaymentEvidence:
    """One PaymentIntent and everything Stripe holds about it.

    Attributes:
        payment_intent: the PaymentIntent as Stripe returns it (a plain dict, expandable fields as ids,
            e.g. ``latest_charge: "ch_..."``); amounts in minor units, timestamps in Unix seconds.
        charge: its latest charge as a plain dict (``captured``, ``amount_captured``, ``amount_refunded``,
            ``disputed``, ``payment_method_details.card.capture_before`` ...), or None when it has none.
        refunds: every refund of the charge (any status), as plain dicts.
        balance_transactions: balance transactions already retrieved, by ``txn_`` id (may be empty).
        events: events about the PaymentIntent or its charge, oldest first (may be empty: kept 30 days).
    """

    payment_intent: Record
    charge: Record | None = None
    refunds: list[Record] = field(default_factory=list)
    balance_transactions: dict[str, Record] = field(default_factory=dict)
    events: list[Record] = field(default_factory=list)

    @property
    def id(self) -> str:
        """The PaymentIntent's ``pi_`` id."""
        return str(self.payment_intent.get("id") or "")

    @property
    def currency(self) -> str:
        """The PaymentIntent's currency as Stripe spells it (lower case)."""
        return str(self.payment_intent.get("currency") or (self.charge or {}).get("currency") or "")


@dataclass(frozen=True)
class StripeReference:
    """A Stripe id written on an Order Management record, and what Stripe said about it.

    Attributes:
        kind: ``"payment_intent"`` (a ``pi_`` on a PaymentAuthorization) or ``"balance_transaction"``
            (a ``txn_`` on a Payment captured at checkout).
        value: the id as written in GatewayRefNumber (``pi_...`` / ``txn_...``).
        record_object: the Salesforce object holding it: ``"PaymentAuthorization"`` or ``"Payment"``.
        record_id: that record's Id.
        record_amount: that record's Amount (major units).
        resolved_payment_intent: the ``pi_`` id the reference leads to (itself for a ``pi_``; the source
            charge's PaymentIntent for a ``txn_``), or None when it could not be resolved.
        missing: Stripe answered ``resource_missing`` for it.
        other_mode: the resource_missing message said a similar object exists in the other mode (True),
            said nothing of the kind (False), or the question does not apply / was not asked (None).
        key_livemode: whether the key used was a live key (``sk_live_``/``rk_live_``), None when unknown.
    """

    kind: Literal["payment_intent", "balance_transaction"]
    value: str
    record_object: Literal["PaymentAuthorization", "Payment"]
    record_id: str
    record_amount: Decimal
    resolved_payment_intent: str | None = None
    missing: bool = False
    other_mode: bool | None = None
    key_livemode: bool | None = None


@dataclass(frozen=True)
class OpsEvidence:
    """One OrderPaymentSummary (OPS), its child records and the Stripe side it links to.

    Attributes:
        ops: the OrderPaymentSummary record's fields (currency fields as JSON numbers in major units:
            CapturedAmount, RefundedAmount, AvailableToCaptureAmount, ...).
        order_number: the OrderSummary's OrderNumber, or None when unknown.
        currency: the ISO code of the OPS (``"USD"``); findings report amounts in it.
        authorizations: PaymentAuthorization records of the OPS.
        payments: Payment records of the OPS.
        refunds: Refund records of the OPS.
        refund_line_payments: RefundLinePayment records joining those refunds to payments.
        gateway_logs: PaymentGatewayLog records of the OPS (datetimes as Salesforce strings such as
            ``"2026-11-19T15:00:00.000+0000"``).
        references: every ``pi_``/``txn_`` reference found on the records, with Stripe's answer.
        stripe: the PaymentIntents the references resolved to (usually one), deduplicated.
    """

    ops: Record
    order_number: str | None
    currency: str
    authorizations: list[Record] = field(default_factory=list)
    payments: list[Record] = field(default_factory=list)
    refunds: list[Record] = field(default_factory=list)
    refund_line_payments: list[Record] = field(default_factory=list)
    gateway_logs: list[Record] = field(default_factory=list)
    references: list[StripeReference] = field(default_factory=list)
    stripe: list[StripePaymentEvidence] = field(default_factory=list)

    @property
    def ops_id(self) -> str:
        """The OrderPaymentSummary's Id."""
        return str(self.ops.get("Id") or "")

    def payment_intent(self, pi_id: str | None) -> StripePaymentEvidence | None:
        """The evidence of the PaymentIntent ``pi_id``, when it was fetched."""
        if not pi_id:
            return None
        return next((item for item in self.stripe if item.id == pi_id), None)

    def reference_for_record(self, record_id: str | None) -> StripeReference | None:
        """The reference written on the record ``record_id`` (a PaymentAuthorization or Payment)."""
        return next((ref for ref in self.references if same_record_id(ref.record_id, record_id)), None)
