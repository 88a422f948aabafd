"""The sandbox org: storage, writes with Salesforce's validation, rollups, API accounting and its REST app.

``Org`` is what the rest of the sandbox builds on: the Sandbox mounts ``org.app`` behind the real
simple-salesforce client and wires ``faults``, ``log`` and ``render_fault`` into the transport; the case
loader calls ``load_records`` / ``dump_records``; the connector (later) writes through ``create`` /
``update`` and adds its REST endpoints with ``add_route``.
"""

from __future__ import annotations

import hashlib
import json
import threading
from datetime import UTC, datetime
from typing import Any

from toolkit.core.clock import Clock
from toolkit.core.ids import normalize_id, to_18
from toolkit.sandbox.org.app import ApiError, Handler, OrgApp, base62, not_found
from toolkit.sandbox.org.case_records import CaseRecords
from toolkit.sandbox.org.records import FieldProblem, coerce_value
from toolkit.sandbox.org.rollups import compute_rollups
from toolkit.sandbox.org.schema import SCHEMA, SINGLETONS, Field, SObject, get_object
from toolkit.sandbox.org.settings import OrgSettings
from toolkit.sandbox.org.store import OrgStore
from toolkit.sandbox.transport import FaultPlan, RequestLog

__all__ = ["AUTO_NUMBER_FORMATS", "DEFAULT_CURRENCY", "Org"]

#: Display formats of the autonumber name fields: prefix and digit count.
AUTO_NUMBER_FORMATS: dict[str, tuple[str, int]] = {
    "OrderPaymentSummary": ("OPS-", 9),
    "PaymentAuthorization": ("PA-", 9),
    "Payment": ("P-", 9),
    "Refund": ("R-", 9),
    "RefundLinePayment": ("RLP-", 9),
    "PaymentGatewayLog": ("PGL-", 9),
}
#: The org's corporate currency: what CurrencyIsoCode defaults to on create.
DEFAULT_CURRENCY = "USD"
_SYSTEM_FIELDS = ("Id", "IsDeleted", "CreatedDate", "LastModifiedDate", "SystemModstamp")
_ROLLUP_SOURCES = ("OrderPaymentSummary", "PaymentAuthorization", "Payment", "Refund", "RefundLinePayment")
#: The org's own Organization record (``SELECT ... FROM Organization``): a sandbox org, named as such.
ORGANIZATION_ID = to_18("00DSB0000000001")
ORGANIZATION = {"Name": "OMS Toolkit Sandbox", "IsSandbox": True, "InstanceName": "SB0",
                "OrganizationType": "Enterprise Edition"}
_ORGANIZATION_CREATED = datetime(2020, 1, 1, tzinfo=UTC)


class Org:
    """An in-process Salesforce org holding the Order Management payment objects.

    Thread-safe: writes and loads take ``lock``; reads go to the store, which has its own lock.
    """

    api_version: str = "62.0"

    def __init__(self, clock: Clock, *, limit: int = 15000) -> None:
        self.clock = clock
        self.store = OrgStore()
        self.faults = FaultPlan()
        self.log = RequestLog()
        self.lock = threading.RLock()
        self.session_id = "00DSB0000000001!" + hashlib.sha256(str(id(self)).encode()).hexdigest()[:40]
        self.usage = 0
        self.limit = limit
        self.placeholders: set[str] = set()
        #: The querying user's time zone and currency, and the org's currencies (``org/settings.py``; a case file's
        #: ``salesforce.user`` and ``salesforce.currency_types``).
        self.settings = OrgSettings()
        self._id_counters: dict[str, int] = {}
        self._auto_numbers: dict[str, int] = {}
        self.app = OrgApp(self)
        self._insert_organization()
        from toolkit.sandbox.org.bulk import BulkQueries

        self.bulk = BulkQueries(self)  # Bulk API 2.0 query jobs (jobs/query...)

    def __repr__(self) -> str:
        counts = {name: self.store.count(name) for name in SCHEMA if self.store.count(name)}
        return f"Org(api_version={self.api_version!r}, records={counts}, usage={self.usage}/{self.limit})"

    def _insert_organization(self) -> None:
        """The org's one Organization record (read-only; kept out of case files)."""
        created = _ORGANIZATION_CREATED
        self.store.insert("Organization", {**dict.fromkeys(SCHEMA["Organization"].fields), **ORGANIZATION,
                                           "Id": ORGANIZATION_ID, "IsDeleted": False, "CreatedDate": created,
                                           "LastModifiedDate": created, "SystemModstamp": created})

    # --- API accounting and faults ---------------------------------------------------------------
    def count_request(self) -> None:
        """Count one API request; past the limit, refuse it as Salesforce does."""
        with self.lock:
            if self.usage >= self.limit:
                raise ApiError(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")
            self.usage += 1

    def limit_info(self) -> str:
        return f"api-usage={self.usage}/{self.limit}"

    def render_fault(self, kind: str) -> tuple[int, dict[str, str], bytes]:
        """A scheduled fault as the org would answer it (``timeout`` never reaches here)."""
        shapes = {
            "server_error": (500, "UNKNOWN_EXCEPTION", "An unexpected error occurred. Please include this ErrorId if "
                                                       "you contact support: 0000000000-00000 (0000000000)"),
            "unavailable": (503, "SERVER_UNAVAILABLE", "Server temporarily unavailable. Please try again later."),
            "invalid_session": (401, "INVALID_SESSION_ID", "Session expired or invalid"),
            "request_limit": (403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded."),
            "rate_limit": (503, "SERVER_UNAVAILABLE", "Too many requests at once. Please try again later."),
            "lock_timeout": (500, "UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access to this record"),
        }
        if kind not in shapes:
            raise ValueError(f"the org cannot render fault kind {kind!r}")
        status, code, message = shapes[kind]
        body = json.dumps([{"message": message, "errorCode": code}]).encode("utf-8")
        return status, {"Content-Type": "application/json;charset=UTF-8", "Sforce-Limit-Info": self.limit_info()}, body

    def add_route(self, method: str, pattern: str, handler: Handler) -> None:
        """Serve ``METHOD /services/data/vXX.X/<pattern>`` with ``handler(info) -> (status, body)``."""
        self.app.add_route(method, pattern, handler)

    # --- ids and numbers -------------------------------------------------------------------------
    def new_id(self, object_name: str) -> str:
        """A fresh 18-character id with the object's key prefix; deterministic from the org's history."""
        obj = _schema_object(object_name)
        with self.lock:
            while True:
                count = self._id_counters.get(obj.name, 0) + 1
                self._id_counters[obj.name] = count
                candidate = to_18(obj.key_prefix + "SB0" + base62(count, 9))
                if self.store.get(obj.name, candidate, include_deleted=True) is None:
                    return candidate

    def _next_number(self, object_name: str) -> str | None:
        fmt = AUTO_NUMBER_FORMATS.get(object_name)
        if fmt is None:
            return None
        number = self._auto_numbers.get(object_name, 0) + 1
        self._auto_numbers[object_name] = number
        return f"{fmt[0]}{number:0{fmt[1]}d}"

    def _note_number(self, object_name: str, value: str | None) -> None:
        fmt = AUTO_NUMBER_FORMATS.get(object_name)
        if fmt and value and value.startswith(fmt[0]) and value[len(fmt[0]):].isdigit():
            self._auto_numbers[object_name] = max(self._auto_numbers.get(object_name, 0), int(value[len(fmt[0]):]))

    # --- writes ----------------------------------------------------------------------------------
    def create(self, object_name: str, values: dict[str, Any]) -> str:
        """Create a record as ``POST sobjects/{Object}`` does; returns its Id. Raises :class:`ApiError`."""
        obj = _api_object(object_name)
        with self.lock:
            typed = self._validate_write(obj, values, creating=True)
            now = _ms(self.clock.now())
            row: dict[str, Any] = dict.fromkeys(obj.fields)
            row.update(typed)
            row.update(Id=self.new_id(obj.name), IsDeleted=False, CreatedDate=now, LastModifiedDate=now,
                       SystemModstamp=now)
            if "CurrencyIsoCode" in obj.fields and row["CurrencyIsoCode"] is None:
                row["CurrencyIsoCode"] = DEFAULT_CURRENCY
            for fld in obj.fields.values():
                if fld.auto_number:
                    row[fld.name] = self._next_number(obj.name)
            self.store.insert(obj.name, row)
            self._after_write(obj.name, row, None)
            return row["Id"]

    def update(self, object_name: str, record_id: str, values: dict[str, Any]) -> None:
        """Update a record as ``PATCH sobjects/{Object}/{id}`` does. Raises :class:`ApiError`."""
        obj = _api_object(object_name)
        with self.lock:
            old = self._existing(obj, record_id)
            typed = self._validate_write(obj, values, creating=False)
            now = _ms(self.clock.now())
            typed.update(LastModifiedDate=now, SystemModstamp=now)
            self.store.update(obj.name, old["Id"], typed)
            self._after_write(obj.name, {**old, **typed}, old)

    def delete(self, object_name: str, record_id: str) -> None:
        """Soft-delete a record (``queryAll`` still returns it, with IsDeleted true)."""
        obj = _api_object(object_name)
        with self.lock:
            row = self._existing(obj, record_id)
            now = _ms(self.clock.now())
            self.store.update(obj.name, row["Id"], {"IsDeleted": True, "LastModifiedDate": now,
                                                     "SystemModstamp": now})
            self._after_write(obj.name, {**row, "IsDeleted": True}, row)

    def _existing(self, obj: SObject, record_id: str) -> dict[str, Any]:
        normalized = normalize_id(record_id)
        row = self.store.get(obj.name, normalized, include_deleted=True) if normalized else None
        if row is None:
            raise not_found()
        if row["IsDeleted"]:
            raise ApiError(404, "ENTITY_IS_DELETED", "entity is deleted", [])
        return row

    def _validate_write(self, obj: SObject, values: dict[str, Any], *, creating: bool) -> dict[str, Any]:
        if not isinstance(values, dict):
            raise ApiError(400, "JSON_PARSER_ERROR", "Cannot deserialize the record: send a JSON object of fields")
        resolved: list[tuple[Field, Any]] = []
        for name, value in values.items():
            fld = obj.field_ci(name)
            if fld is None:
                raise ApiError(400, "INVALID_FIELD", f"No such column '{name}' on sobject of type {obj.name}")
            resolved.append((fld, value))
        read_only = [fld.name for fld, _ in resolved if not (fld.createable if creating else fld.updateable)]
        if read_only:
            raise ApiError(400, "INVALID_FIELD_FOR_INSERT_UPDATE",
                           f"Unable to create/update fields: {', '.join(read_only)}. Please check the security "
                           "settings of this field and verify that it is read/write for your profile or "
                           "permission set.", read_only)
        typed: dict[str, Any] = {}
        for fld, value in resolved:
            try:
                typed[fld.name] = coerce_value(fld, value)
            except FieldProblem as problem:
                raise _write_error(fld, value, problem) from None
        missing = [f.name for f in obj.fields.values()
                   if not f.nillable and f.createable and typed.get(f.name) is None
                   and (f.name in typed or creating)]
        if missing:
            raise ApiError(400, "REQUIRED_FIELD_MISSING", f"Required fields are missing: [{', '.join(missing)}]",
                           missing)
        for fld, _ in resolved:
            if fld.type == "reference" and typed[fld.name] is not None:
                self._check_reference(fld, typed[fld.name])
        return typed

    def _check_reference(self, fld: Field, target: str) -> None:
        target_object = self.store.object_of_id(target)
        if target_object not in fld.reference_to:
            raise ApiError(400, "MALFORMED_ID", f"{fld.label}: id value of incorrect type: {target}", [fld.name])
        if self.store.get(target_object, target) is None:
            raise ApiError(400, "INVALID_CROSS_REFERENCE_KEY", f"{fld.label}: invalid cross reference id",
                           [fld.name])

    # --- rollups ---------------------------------------------------------------------------------
    def _after_write(self, object_name: str, new: dict[str, Any], old: dict[str, Any] | None) -> None:
        if object_name not in _ROLLUP_SOURCES:
            return
        rows = [r for r in (new, old) if r is not None]
        ops_ids: set[str] = set()
        pa_ids: set[str] = set()
        payment_ids: set[str] = set()
        refund_ids: set[str] = set()
        for row in rows:
            if object_name == "OrderPaymentSummary":
                ops_ids.add(row["Id"])
            elif object_name == "RefundLinePayment":
                payment_ids.update(filter(None, [row.get("PaymentId")]))
                refund_ids.update(filter(None, [row.get("RefundId")]))
            else:
                {"PaymentAuthorization": pa_ids, "Payment": payment_ids, "Refund": refund_ids}[object_name].add(
                    row["Id"])
                ops_ids.update(filter(None, [row.get("OrderPaymentSummaryId")]))
                if object_name == "Payment" and row.get("PaymentAuthorizationId"):
                    pa_ids.add(row["PaymentAuthorizationId"])
        for name, ids in (("Payment", payment_ids), ("Refund", refund_ids), ("PaymentAuthorization", pa_ids)):
            for found in self.store.get_many(name, ids, include_deleted=True).values():
                ops_ids.update(filter(None, [found.get("OrderPaymentSummaryId")]))
        self._recompute(ops_ids, pa_ids, payment_ids, refund_ids)

    def recompute_rollups(self, ops_id: str) -> None:
        """Recompute an OrderPaymentSummary's rollups and its children's balances from the stored children."""
        with self.lock:
            self._recompute({ops_id}, set(), set(), set())

    def _recompute(self, ops_ids: set[str], pa_ids: set[str], payment_ids: set[str], refund_ids: set[str]) -> None:
        store = self.store
        ops_rows = list(store.get_many("OrderPaymentSummary", ops_ids).values())
        pas = [r for r in store.rows("PaymentAuthorization")
               if r["Id"] in pa_ids or r.get("OrderPaymentSummaryId") in ops_ids]
        pa_set = {r["Id"] for r in pas}
        payments = [r for r in store.rows("Payment") if r["Id"] in payment_ids
                    or r.get("OrderPaymentSummaryId") in ops_ids or r.get("PaymentAuthorizationId") in pa_set]
        refunds = [r for r in store.rows("Refund")
                   if r["Id"] in refund_ids or r.get("OrderPaymentSummaryId") in ops_ids]
        pay_set = {r["Id"] for r in payments}
        ref_set = {r["Id"] for r in refunds}
        lines = [r for r in store.rows("RefundLinePayment") if r.get("PaymentId") in pay_set
                 or r.get("RefundId") in ref_set]
        updates = compute_rollups(ops_rows, pas, payments, refunds, lines, mode="recompute")
        for (object_name, record_id), values in updates.items():
            store.update(object_name, record_id, values)

    # --- case files ------------------------------------------------------------------------------
    def load_records(self, records: dict[str, list[dict[str, Any]]]) -> None:
        """Replace the org's records with a case file's ``salesforce.records``; raises CaseFileError."""
        loaded = CaseRecords(records).parse()
        with self.lock:
            self.store.clear()
            self._insert_organization()
            self.app.cursors.clear()
            self._id_counters.clear()
            self._auto_numbers.clear()
            for object_name, rows in loaded.rows.items():
                for row in rows:
                    for fld in SCHEMA[object_name].fields.values():
                        if fld.auto_number:
                            self._note_number(object_name, row.get(fld.name))
            for object_name, rows in loaded.rows.items():
                for fld in SCHEMA[object_name].fields.values():
                    if fld.auto_number:
                        for row in rows:
                            if row.get(fld.name) is None:
                                row[fld.name] = self._next_number(object_name)
                if rows:
                    self.store.insert_many(object_name, rows)
            self.placeholders = set(loaded.placeholders)

    def dump_records(self) -> dict[str, list[dict[str, Any]]]:
        """The org's records in case-file shape (placeholders left out), reloadable to the same state."""
        return CaseRecords.dump(self.store, self.placeholders)


def _schema_object(object_name: str) -> SObject:
    obj = SCHEMA.get(object_name) or get_object(object_name)
    if obj is None:
        raise ValueError(f"the sandbox org has no object {object_name!r}")
    return obj


def _api_object(object_name: str) -> SObject:
    obj = get_object(object_name)
    if obj is None:
        raise not_found()
    if obj.name in SINGLETONS:  # Salesforce's answer to a write on the Organization
        raise ApiError(400, "INVALID_TYPE_FOR_OPERATION", f"entity type cannot be inserted, updated or deleted: "
                                                          f"{obj.name}")
    return obj


def _ms(value: datetime) -> datetime:
    """Salesforce keeps milliseconds."""
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def _write_error(fld: Field, value: Any, problem: FieldProblem) -> ApiError:
    code = problem.error_code
    if code == "JSON_PARSER_ERROR":
        kind = "VALUE_STRING" if isinstance(value, str) else "VALUE_NUMBER" if isinstance(value, int | float) \
            else "VALUE_TRUE" if value is True else "VALUE_FALSE" if value is False else "START_OBJECT"
        return ApiError(400, code, f"Cannot deserialize instance of {fld.type} from {kind} value {value} or request "
                                   f"may be missing a required field", None)
    if code == "INVALID_TYPE_ON_FIELD_IN_RECORD":
        return ApiError(400, code, f"{fld.label}: value not of required type: {value}", [fld.name])
    if code == "MALFORMED_ID":
        return ApiError(400, code, f"{fld.label}: id value of incorrect type: {value}", [fld.name])
    return ApiError(400, code, f"{fld.label}: {problem.problem}", [fld.name])
