"""The sandbox org's schema: objects, fields, types, picklists and relationships.

Taken from ``docs/reference.md``. Field types use Salesforce's describe names
(``id``, ``reference``, ``string``, ``textarea``, ``picklist``, ``currency``, ``double``, ``int``,
``boolean``, ``date``, ``datetime``, ``email``). Toolkit code outside the sandbox learns all of this
through ``describe``; only the sandbox reads this module.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["CASE_OBJECTS", "CURRENCY_CODES", "SCHEMA", "SINGLETONS", "ChildRelationship", "Field", "SObject",
           "get_object"]

#: ISO codes the sandbox org has enabled (a multi-currency org's restricted CurrencyIsoCode picklist).
CURRENCY_CODES = (
    "AED", "AUD", "BHD", "BIF", "BRL", "CAD", "CHF", "CLP", "CNY", "CZK", "DJF", "DKK", "EUR", "GBP", "GNF",
    "HKD", "HUF", "INR", "JOD", "JPY", "KMF", "KRW", "KWD", "MGA", "MXN", "NOK", "NZD", "OMR", "PLN", "PYG",
    "RWF", "SEK", "SGD", "TND", "UGX", "USD", "VND", "VUV", "XAF", "XOF", "XPF", "ZAR",
)

SF_RESULT_CODES = ("Success", "Decline", "PermanentFail", "RequiresReview", "Indeterminate", "SystemError",
                   "ValidationError")
PROCESSING_MODES = ("External", "Salesforce")


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    label: str = ""
    picklist: tuple[str, ...] = ()  # allowed values, for a restricted picklist
    restricted: bool = True  # False: an org-defined picklist that accepts any value
    reference_to: tuple[str, ...] = ()
    relationship_name: str | None = None
    createable: bool = True
    updateable: bool = True
    nillable: bool = True
    filterable: bool = True  # long text areas cannot be used in WHERE
    length: int | None = None
    auto_number: bool = False
    calculated: bool = False  # rollups and balances the org computes

    @property
    def polymorphic(self) -> bool:
        return len(self.reference_to) > 1


@dataclass(frozen=True)
class ChildRelationship:
    child_object: str
    field: str
    relationship_name: str


@dataclass(frozen=True)
class SObject:
    name: str
    key_prefix: str
    label: str
    label_plural: str
    name_field: str
    fields: dict[str, Field] = field(default_factory=dict)
    child_relationships: tuple[ChildRelationship, ...] = ()

    def field_ci(self, name: str) -> Field | None:
        """Look a field up case-insensitively, as SOQL does."""
        lowered = name.lower()
        for candidate in self.fields.values():
            if candidate.name.lower() == lowered:
                return candidate
        return None

    def relationship_ci(self, name: str) -> Field | None:
        """The lookup field whose relationship name is ``name`` (case-insensitive)."""
        lowered = name.lower()
        for candidate in self.fields.values():
            if candidate.relationship_name and candidate.relationship_name.lower() == lowered:
                return candidate
        return None

    def child_relationship_ci(self, name: str) -> ChildRelationship | None:
        lowered = name.lower()
        for rel in self.child_relationships:
            if rel.relationship_name.lower() == lowered:
                return rel
        return None


def _f(name: str, type_: str, **kw: object) -> Field:
    return Field(name=name, type=type_, label=kw.pop("label", None) or _label(name), **kw)  # type: ignore[arg-type]


def _label(name: str) -> str:
    out = []
    for i, ch in enumerate(name):
        if i and ch.isupper() and not name[i - 1].isupper():
            out.append(" ")
        out.append(ch)
    label = "".join(out)
    return label[:-3] + " ID" if label.endswith(" Id") else label


def _ro(name: str, type_: str, **kw: object) -> Field:
    return _f(name, type_, createable=False, updateable=False, **kw)


def _ref(name: str, *targets: str, rel: str, **kw: object) -> Field:
    return _f(name, "reference", reference_to=tuple(targets), relationship_name=rel, length=18, **kw)


def _pick(name: str, *values: str, **kw: object) -> Field:
    return _f(name, "picklist", picklist=tuple(values), length=255, **kw)


def _money(name: str, **kw: object) -> Field:
    return _f(name, "currency", **kw)


def _rollup(name: str) -> Field:
    return _ro(name, "currency", calculated=True)


def _system() -> list[Field]:
    return [
        _ro("Id", "id", nillable=False, length=18),
        _ro("IsDeleted", "boolean", nillable=False),
        _ro("CreatedDate", "datetime", nillable=False),
        _ro("LastModifiedDate", "datetime", nillable=False),
        _ro("SystemModstamp", "datetime", nillable=False),
    ]


def _currency() -> Field:
    return _pick("CurrencyIsoCode", *CURRENCY_CODES, label="Currency ISO Code")


def _gateway_fields() -> list[Field]:
    return [
        _pick("ProcessingMode", *PROCESSING_MODES),
        _pick("SfResultCode", *SF_RESULT_CODES, label="Salesforce Result Code"),
        _f("GatewayRefNumber", "string", length=1000, label="Gateway Reference Number"),
        _f("GatewayResultCode", "string", length=255),
        _f("GatewayResultCodeDescription", "string", length=1000),
        _f("GatewayDate", "datetime"),
    ]


def _object(name: str, prefix: str, label: str, plural: str, name_field: str, fields: list[Field]) -> SObject:
    return SObject(name, prefix, label, plural, name_field, {f.name: f for f in _system() + fields})


_OBJECTS: list[SObject] = [
    _object("Account", "001", "Account", "Accounts", "Name", [
        _f("Name", "string", nillable=False, length=255),
        _f("PersonEmail", "email", length=80),
        _f("Phone", "phone", length=40, label="Account Phone"),
        _f("ShippingStreet", "textarea", length=255),
        _f("ShippingCity", "string", length=40),
        _f("ShippingState", "string", length=80),
        _f("ShippingPostalCode", "string", length=20),
        _f("ShippingCountry", "string", length=80),
        _currency(),
    ]),
    _object("PaymentGateway", "0b0", "Payment Gateway", "Payment Gateways", "PaymentGatewayName", [
        _f("PaymentGatewayName", "string", nillable=False, length=255),
        _f("PaymentGatewayProviderId", "string", length=18, label="Payment Gateway Provider ID"),
        _f("MerchantCredentialId", "string", length=18, label="Merchant Credential ID"),
        _pick("Status", "Active", "Inactive"),
        _pick("IdempotencySupported", "Yes", "No"),
    ]),
    _object("CardPaymentMethod", "03O", "Card Payment Method", "Card Payment Methods", "CardHolderName", [
        _f("CardHolderName", "string", length=255),
        _f("CardLastFour", "string", length=4),
        _f("CardType", "string", length=40),
        _f("CardCategory", "string", length=40),
        _f("ExpiryMonth", "int"),
        _f("ExpiryYear", "int"),
        _f("GatewayToken", "string", length=1000),
        _pick("Status", "Active", "Inactive", "Canceled"),
        _pick("ProcessingMode", *PROCESSING_MODES),
        _ref("AccountId", "Account", rel="Account"),
        _ref("PaymentGatewayId", "PaymentGateway", rel="PaymentGateway"),
    ]),
    _object("OrderSummary", "1Os", "Order Summary", "Order Summaries", "OrderNumber", [
        _f("OrderNumber", "string", length=255),
        _pick("Status", "Created", "Approved", "Waiting to Fulfill", "Fulfilled", "Canceled", "Closed",
              restricted=False),
        _f("OrderedDate", "datetime"),
        _money("GrandTotalAmount"),
        _money("TotalAmount"),
        _currency(),
        _ref("AccountId", "Account", rel="Account"),
        _f("SalesChannelId", "string", length=18, label="Sales Channel ID"),
        _f("OriginalOrderId", "string", length=18, label="Original Order ID"),
        _f("ExternalReferenceIdentifier", "string", length=255),
        _f("BillingEmailAddress", "email", length=80),
        _f("BillingPhoneNumber", "phone", length=40),
        _f("BillingStreet", "textarea", length=255),
        _f("BillingCity", "string", length=40),
        _f("BillingState", "string", length=80),
        _f("BillingPostalCode", "string", length=20),
        _f("BillingCountry", "string", length=80),
    ]),
    _object("OrderPaymentSummary", "0bM", "Order Payment Summary", "Order Payment Summaries",
            "OrderPaymentSummaryNumber", [
        _ro("OrderPaymentSummaryNumber", "string", auto_number=True, length=30),
        _ref("OrderSummaryId", "OrderSummary", rel="OrderSummary", nillable=False),
        _f("Method", "string", length=255),
        _f("Type", "string", length=255),
        _f("FullName", "string", length=255),
        _ref("PaymentMethodId", "CardPaymentMethod", rel="PaymentMethod"),
        _currency(),
        _ref("LastPaymentGatewayLogId", "PaymentGatewayLog", rel="LastPaymentGatewayLog"),
        _f("LastPaymentGatewayMessage", "string", length=255),
        _rollup("AuthorizationAmount"),
        _rollup("AuthorizationReversalAmount"),
        _rollup("CapturedAmount"),
        _rollup("RefundedAmount"),
        _rollup("PendingAuthorizationAmount"),
        _rollup("PendingCaptureAmount"),
        _rollup("PendingRefundAmount"),
        _rollup("PendingReverseAuthAmount"),
        _rollup("BalanceAmount"),
        _rollup("AvailableToCaptureAmount"),
        _rollup("AvailableToRefundAmount"),
    ]),
    _object("PaymentAuthorization", "0Xc", "Payment Authorization", "Payment Authorizations",
            "PaymentAuthorizationNumber", [
        _ro("PaymentAuthorizationNumber", "string", auto_number=True, length=30),
        _money("Amount", nillable=False),
        _ro("Balance", "currency", calculated=True),
        _pick("Status", "Canceled", "Draft", "Failed", "Pending", "Processed"),
        *_gateway_fields(),
        _f("GatewayAuthCode", "string", length=64),
        _f("GatewayRefDetails", "string", length=1000, label="Gateway Reference Details"),
        _f("ExpirationDate", "datetime"),
        _f("Date", "datetime"),
        _f("EffectiveDate", "datetime"),
        _currency(),
        _ref("OrderPaymentSummaryId", "OrderPaymentSummary", rel="OrderPaymentSummary"),
        _ref("PaymentGatewayId", "PaymentGateway", rel="PaymentGateway"),
        _ref("PaymentMethodId", "CardPaymentMethod", rel="PaymentMethod"),
        _ref("AccountId", "Account", rel="Account"),
        _rollup("TotalPaymentCaptureAmount"),
        _rollup("TotalAuthReversalAmount"),
    ]),
    _object("Payment", "0a6", "Payment", "Payments", "PaymentNumber", [
        _ro("PaymentNumber", "string", auto_number=True, length=30),
        _money("Amount", nillable=False),
        _ro("Balance", "currency", calculated=True),
        _pick("Status", "Canceled", "Draft", "Processed"),
        _pick("Type", "Capture", "Sale"),
        *_gateway_fields(),
        _f("GatewayRefDetails", "string", length=1000, label="Gateway Reference Details"),
        _ref("PaymentAuthorizationId", "PaymentAuthorization", rel="PaymentAuthorization"),
        _ref("OrderPaymentSummaryId", "OrderPaymentSummary", rel="OrderPaymentSummary"),
        _ref("PaymentGatewayId", "PaymentGateway", rel="PaymentGateway"),
        _ref("PaymentMethodId", "CardPaymentMethod", rel="PaymentMethod"),
        _ref("AccountId", "Account", rel="Account"),
        _f("Date", "datetime"),
        _f("EffectiveDate", "datetime"),
        _currency(),
        _rollup("TotalRefundApplied"),
        _rollup("NetRefundApplied"),
        _f("CancellationDate", "datetime"),
        _f("CancellationGatewayRefNumber", "string", length=1000),
    ]),
    _object("Refund", "0a7", "Refund", "Refunds", "RefundNumber", [
        _ro("RefundNumber", "string", auto_number=True, length=30),
        _money("Amount", nillable=False),
        _ro("Balance", "currency", calculated=True),
        _pick("Status", "Canceled", "Draft", "Pending", "Processed"),
        _pick("Type", "Referenced", "Unreferenced"),
        *_gateway_fields(),
        _ref("OrderPaymentSummaryId", "OrderPaymentSummary", rel="OrderPaymentSummary"),
        _ref("PaymentGatewayId", "PaymentGateway", rel="PaymentGateway"),
        _ref("AccountId", "Account", rel="Account"),
        _f("Date", "datetime"),
        _f("EffectiveDate", "datetime"),
        _currency(),
        _f("Comments", "string", length=1000),
    ]),
    _object("RefundLinePayment", "0a8", "Refund Line Payment", "Refund Line Payments",
            "RefundLinePaymentNumber", [
        _ro("RefundLinePaymentNumber", "string", auto_number=True, length=30),
        _money("Amount", nillable=False),
        _pick("Type", "Applied", "Unapplied"),
        _ref("RefundId", "Refund", rel="Refund"),
        _ref("PaymentId", "Payment", rel="Payment"),
        _f("Date", "datetime"),
        _f("EffectiveDate", "datetime"),
        _pick("HasBeenUnapplied", "Yes", "No"),
    ]),
    _object("PaymentGatewayLog", "0Xt", "Payment Gateway Log", "Payment Gateway Logs",
            "PaymentGatewayLogNumber", [
        _ro("PaymentGatewayLogNumber", "string", auto_number=True, length=30),
        _pick("InteractionType", "Authorization", "AuthorizationReversal", "Avs", "Capture", "CheckGiftCardBalance",
              "PostAuth", "ReferencedRefund", "Sale", "Tokenize", "Void"),
        _pick("InteractionStatus", "Failed", "Initiated", "NoOp", "Success", "Timeout"),
        _pick("IsNotification", "No", "Yes"),
        _pick("SfResultCode", *SF_RESULT_CODES, label="Salesforce Result Code"),
        _f("SfRefNumber", "string", length=255, label="Salesforce Reference Number"),
        _f("GatewayRefNumber", "string", length=1000, label="Gateway Reference Number"),
        _f("GatewayAuthCode", "string", length=64),
        _f("GatewayAvsCode", "string", length=64),
        _f("GatewayDate", "datetime"),
        _f("GatewayMessage", "string", length=255),
        _f("GatewayResultCode", "string", length=255),
        _f("GatewayResultCodeDescription", "string", length=1000),
        _ref("OrderPaymentSummaryId", "OrderPaymentSummary", rel="OrderPaymentSummary"),
        _ref("ReferencedEntityId", "Payment", "Refund", "PaymentAuthorization", "PaymentAuthAdjustment",
             "CardPaymentMethod", rel="ReferencedEntity"),
        _ref("PaymentGatewayId", "PaymentGateway", rel="PaymentGateway"),
        _f("Request", "textarea", length=131072, filterable=False),
        _f("Response", "textarea", length=131072, filterable=False),
    ]),
    # The org itself (one read-only record, as every org has): which org the toolkit is connected to.
    _object("Organization", "00D", "Organization", "Organizations", "Name", [
        _ro("Name", "string", length=80),
        _ro("IsSandbox", "boolean"),
        _ro("InstanceName", "string", length=5),
        _pick("OrganizationType", "Base Edition", "Developer Edition", "Enterprise Edition", "Personal Edition",
              "Professional Edition", "Team Edition", "Unlimited Edition", restricted=False, createable=False,
              updateable=False),
    ]),
]


def _with_children(objects: list[SObject]) -> dict[str, SObject]:
    """Derive each object's child relationships from the lookups pointing at it.

    Relationship names follow Salesforce's plural convention (``OrderPaymentSummaries``,
    ``PaymentAuthorizations``, ``Payments``, ``Refunds``, ``RefundLinePayments``, ``PaymentGatewayLogs``).
    """
    plural = {o.name: o.label_plural.replace(" ", "") for o in objects}
    children: dict[str, list[ChildRelationship]] = {o.name: [] for o in objects}
    for obj in objects:
        for fld in obj.fields.values():
            if fld.type != "reference" or fld.polymorphic or fld.name in ("LastPaymentGatewayLogId",):
                continue
            target = fld.reference_to[0]
            if target in children:
                children[target].append(ChildRelationship(obj.name, fld.name, plural[obj.name]))
    result = {}
    for obj in objects:
        rels = tuple(sorted(children[obj.name], key=lambda r: (r.relationship_name, r.child_object, r.field)))
        # one relationship name per parent: when two lookups on one child point at the same parent, keep the first
        seen: set[str] = set()
        unique = []
        for rel in rels:
            if rel.relationship_name not in seen:
                seen.add(rel.relationship_name)
                unique.append(rel)
        result[obj.name] = SObject(obj.name, obj.key_prefix, obj.label, obj.label_plural, obj.name_field,
                                   obj.fields, tuple(unique))
    return result


#: Object API name -> SObject, in a stable order.
SCHEMA: dict[str, SObject] = _with_children(_OBJECTS)
_BY_LOWER = {name.lower(): obj for name, obj in SCHEMA.items()}
#: Objects with exactly one read-only record that the org creates itself: not writable, not in case files.
SINGLETONS = ("Organization",)
#: The objects a case file may hold (``docs/case-file.md``): every object but the singletons.
CASE_OBJECTS: dict[str, SObject] = {name: obj for name, obj in SCHEMA.items() if name not in SINGLETONS}


def get_object(name: str) -> SObject | None:
    """Look an object up case-insensitively (SOQL object names are case-insensitive)."""
    return _BY_LOWER.get(name.lower())
