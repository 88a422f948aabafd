"""The Salesforce half of a case file (``docs/case-file.md``): check and type it, dump it back.

Loading refuses a bad file with a one-sentence :class:`~toolkit.errors.CaseFileError` naming the object,
the record (its Id, or ``#index`` when the Id itself is the problem) and the field. Everything is checked
before the org is touched, so a refused file leaves the org as it was.

- Object keys: any object of the sandbox schema; field keys: exact API names; no ``attributes``.
- ``Id``: 18 characters (15 are extended), prefix matching the object, unique in the file.
- ``CreatedDate`` required; non-nillable fields (``Amount``, ``Name``...) required.
- Values typed by the field (see :mod:`toolkit.sandbox.org.records`); restricted picklists checked; values
  within Salesforce's ranges (date-times and dates 1700 to 4000, numbers below 10^16, ints in 32 bits).
- Lookups must resolve within the file, except ``AccountId``, ``PaymentGatewayId`` and ``PaymentMethodId``,
  whose missing targets become minimal placeholder records (left out again by :meth:`CaseRecords.dump`).
- Rollups and balances the file omits are computed (:mod:`toolkit.sandbox.org.rollups`, ``fill`` mode).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from toolkit.core.ids import normalize_id
from toolkit.errors import CaseFileError
from toolkit.sandbox.cases import kind_of, shown
from toolkit.sandbox.org.records import FieldProblem, coerce_value, to_json_value
from toolkit.sandbox.org.rollups import compute_rollups
from toolkit.sandbox.org.schema import CASE_OBJECTS, SCHEMA, Field, SObject
from toolkit.sandbox.org.store import OrgStore

__all__ = ["PLACEHOLDER_FIELDS", "CaseRecords", "LoadedRecords"]

#: Lookups whose targets a case file may lack: the org creates a minimal placeholder record instead.
PLACEHOLDER_FIELDS = frozenset({"AccountId", "PaymentGatewayId", "PaymentMethodId"})
#: Salesforce's valid date and date-time range (1700-01-01T00:00:00Z to 4000-12-31T00:00:00Z).
DATETIME_MIN = datetime(1700, 1, 1, tzinfo=UTC)
DATETIME_MAX = datetime(4000, 12, 31, tzinfo=UTC)
#: Currency and number fields hold at most 16 digits before the decimal point (Salesforce's 18 digits, 2 decimals).
NUMBER_LIMIT = 10.0**16
#: Integer fields are 32-bit, as Salesforce's ``int``.
INT_RANGE = (-(2**31), 2**31 - 1)
_SYSTEM_TAIL = ("CreatedDate", "LastModifiedDate", "SystemModstamp", "IsDeleted")


@dataclass
class LoadedRecords:
    """Typed rows per object (placeholders included) ready for ``OrgStore.insert_many``."""

    rows: dict[str, list[dict[str, Any]]]
    placeholders: set[str] = field(default_factory=set)


def _placeholder(obj: SObject, record_id: str, created: datetime) -> dict[str, Any]:
    row: dict[str, Any] = {"Id": record_id, "CreatedDate": created, "LastModifiedDate": created,
                           "SystemModstamp": created, "IsDeleted": False}
    if obj.name == "Account":
        row["Name"] = f"Placeholder account {record_id}"
    elif obj.name == "PaymentGateway":
        row["PaymentGatewayName"] = f"Placeholder gateway {record_id}"
    elif obj.name == "CardPaymentMethod":
        row["CardHolderName"] = f"Placeholder card {record_id}"
    return row


class CaseRecords:
    """One case file's ``salesforce.records``."""

    def __init__(self, records: Any) -> None:
        self.records = records

    def parse(self) -> LoadedRecords:
        records = self.records
        if not isinstance(records, dict):
            raise CaseFileError("salesforce.records must map object API names to lists of records.")
        rows: dict[str, list[dict[str, Any]]] = {name: [] for name in CASE_OBJECTS}
        owner: dict[str, str] = {}  # Id -> object
        for object_name, items in records.items():
            obj = CASE_OBJECTS.get(object_name) if isinstance(object_name, str) else None
            if obj is None:
                hint = next((n for n in CASE_OBJECTS if n.lower() == str(object_name).lower()), None)
                raise CaseFileError(
                    f"salesforce.records has unknown object {shown(object_name)}; "
                    + (f"did you mean {hint!r}?" if hint else f"the sandbox org holds {', '.join(CASE_OBJECTS)}."))
            if not isinstance(items, list):
                raise CaseFileError(f"salesforce.records.{object_name} is {kind_of(items)}; it must be a list of "
                                    "records.")
            for index, raw in enumerate(items):
                row = self._parse_record(obj, index, raw)
                if row["Id"] in owner:
                    raise CaseFileError(f"{obj.name} record {row['Id']}: field Id appears more than once in the "
                                        "file; each record appears once.")
                owner[row["Id"]] = obj.name
                rows[obj.name].append(row)
        placeholders = self._resolve_lookups(rows, owner)
        updates = compute_rollups(rows["OrderPaymentSummary"], rows["PaymentAuthorization"], rows["Payment"],
                                  rows["Refund"], rows["RefundLinePayment"], mode="fill")
        by_id = {(name, r["Id"]): r for name in ("OrderPaymentSummary", "PaymentAuthorization", "Payment", "Refund")
                 for r in rows[name]}
        for key, values in updates.items():
            by_id[key].update(values)
        return LoadedRecords(rows, placeholders)

    @staticmethod
    def _parse_record(obj: SObject, index: int, raw: Any) -> dict[str, Any]:
        if not isinstance(raw, dict):
            raise CaseFileError(f"{obj.name} record #{index} is {kind_of(raw)}, not a JSON object of field values.")
        raw_id = raw.get("Id")
        if raw_id is None:
            raise CaseFileError(f"{obj.name} record #{index}: field Id is missing; every record needs its "
                                "18-character Salesforce Id.")
        record_id = normalize_id(raw_id) if isinstance(raw_id, str) else None
        if record_id is None:
            raise CaseFileError(f"{obj.name} record #{index}: field Id {shown(raw_id)} is not a 15- or 18-character "
                                "Salesforce id.")
        where = f"{obj.name} record {record_id}"
        if record_id[:3] != obj.key_prefix:
            raise CaseFileError(f"{where}: field Id starts with {record_id[:3]!r}, but {obj.name} ids start with "
                                f"{obj.key_prefix!r}; move the record under the right object or fix its Id.")
        if "attributes" in raw:
            raise CaseFileError(f"{where}: field attributes is not allowed in a case file; remove it and keep "
                                "only field values.")
        row: dict[str, Any] = {"Id": record_id}
        for name, value in raw.items():
            if name == "Id":
                continue
            fld = obj.fields.get(name) if isinstance(name, str) else None
            if fld is None:
                hint = obj.field_ci(name) if isinstance(name, str) else None
                shown_name = name if isinstance(name, str) and len(name) <= 60 else shown(name)
                raise CaseFileError(f"{where}: field {shown_name} does not exist on {obj.name}"
                                    + (f"; did you mean {hint.name}?" if hint else "; remove it or fix its name."))
            try:
                typed = coerce_value(fld, value)
            except FieldProblem as problem:
                raise CaseFileError(f"{where}: field {name} {_describe_problem(fld, value, problem)}.") from None
            except (ValueError, ArithmeticError):  # e.g. a date-time whose offset moves it past year 9999
                why = ("outside Salesforce's date-times (1700-01-01 to 4000-12-31)" if fld.type == "datetime" else
                       f"which is not a valid {fld.type} value")
                raise CaseFileError(f"{where}: field {name} has {shown(value)}, {why}.") from None
            out_of_range = _out_of_range(fld, typed)
            if out_of_range:
                raise CaseFileError(f"{where}: field {name} has {shown(value)}, {out_of_range}.")
            if typed is None and not fld.nillable:
                raise CaseFileError(f"{where}: field {name} is null, but every {obj.name} record has a value there.")
            row[name] = typed
        if row.get("CreatedDate") is None:
            raise CaseFileError(f"{where}: field CreatedDate is missing; every record needs it (it orders "
                                "timelines).")
        for fld in obj.fields.values():
            if not fld.nillable and fld.createable and row.get(fld.name) is None:
                raise CaseFileError(f"{where}: field {fld.name} is missing, but every {obj.name} record has it.")
        row.setdefault("IsDeleted", False)
        row.setdefault("LastModifiedDate", row["CreatedDate"])
        row.setdefault("SystemModstamp", row["LastModifiedDate"])
        return row

    @staticmethod
    def _resolve_lookups(rows: dict[str, list[dict[str, Any]]], owner: dict[str, str]) -> set[str]:
        placeholders: dict[str, dict[str, Any]] = {}
        for object_name, object_rows in rows.items():
            references = [f for f in SCHEMA[object_name].fields.values() if f.type == "reference"]
            for row in object_rows:
                for fld in references:
                    target = row.get(fld.name)
                    if target is None:
                        continue
                    where = f"{object_name} record {row['Id']}: field {fld.name}"
                    target_object = owner.get(target) or (placeholders[target]["object"]
                                                           if target in placeholders else None)
                    if target_object is None:
                        if fld.name not in PLACEHOLDER_FIELDS:
                            raise CaseFileError(f"{where} points to {target}, which is not in the file; add that "
                                                "record or remove the field.")
                        target_object = next((o.name for o in SCHEMA.values() if o.key_prefix == target[:3]), None)
                        if target_object not in fld.reference_to:
                            raise CaseFileError(f"{where} points to {target}, which is not "
                                                f"{_a(' or '.join(fld.reference_to))} id.")
                        placeholders[target] = {"object": target_object, "created": row["CreatedDate"]}
                    elif target_object not in fld.reference_to:
                        raise CaseFileError(f"{where} points to {target}, {_a(target_object)}, but it must point to "
                                            f"{_a(' or '.join(fld.reference_to))}.")
                    if target in placeholders:
                        placeholders[target]["created"] = min(placeholders[target]["created"], row["CreatedDate"])
        for record_id, info in placeholders.items():
            rows[info["object"]].append(_placeholder(SCHEMA[info["object"]], record_id, info["created"]))
        return set(placeholders)

    @staticmethod
    def dump(store: OrgStore, placeholders: set[str]) -> dict[str, list[dict[str, Any]]]:
        """Every stored record in case-file shape: schema object order, insertion order, no None values."""
        out: dict[str, list[dict[str, Any]]] = {}
        for obj in CASE_OBJECTS.values():
            ordered = [f for f in obj.fields.values() if f.name not in ("Id", *_SYSTEM_TAIL)]
            ordered += [obj.fields[name] for name in _SYSTEM_TAIL]
            records = []
            for row in store.rows(obj.name, include_deleted=True):
                if row["Id"] in placeholders:
                    continue
                record: dict[str, Any] = {"Id": row["Id"]}
                for fld in ordered:
                    value = row.get(fld.name)
                    if value is None or (fld.name == "IsDeleted" and not value):
                        continue
                    if fld.name in ("LastModifiedDate", "SystemModstamp") and value == row["CreatedDate"]:
                        continue
                    record[fld.name] = to_json_value(fld, value)
                records.append(record)
            if records:
                out[obj.name] = records
        return out


def _a(noun: str) -> str:
    return ("an " if noun[:1] in "AEIOU" else "a ") + noun


def _out_of_range(fld: Field, typed: Any) -> str | None:
    """Why a typed value lies outside what Salesforce stores in ``fld``, or None."""
    if typed is None:
        return None
    if fld.type == "datetime" and not DATETIME_MIN <= typed <= DATETIME_MAX:
        return "outside Salesforce's date-times (1700-01-01 to 4000-12-31)"
    if fld.type == "date" and not DATETIME_MIN.date() <= typed <= DATETIME_MAX.date():
        return "outside Salesforce's dates (1700-01-01 to 4000-12-31)"
    if fld.type in ("currency", "double") and not -NUMBER_LIMIT < typed < NUMBER_LIMIT:
        return "more than the 16 digits before the decimal point a Salesforce number field holds"
    if fld.type == "int" and not INT_RANGE[0] <= typed <= INT_RANGE[1]:
        return "outside the 32-bit integers a Salesforce int field holds"
    return None


def _describe_problem(fld: Field, value: Any, problem: FieldProblem) -> str:
    if problem.error_code == "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST":
        return f"has {shown(value)}, which is not one of its values ({', '.join(fld.picklist)})"
    if problem.error_code == "STRING_TOO_LONG":
        return f"is {len(value)} characters long, more than its maximum of {fld.length}"
    if problem.error_code == "INVALID_EMAIL_ADDRESS":
        return f"has {shown(value)}, which is not an email address"
    if problem.error_code == "MALFORMED_ID":
        return f"has {shown(value)}, which is not a 15- or 18-character Salesforce id"
    if problem.error_code == "JSON_PARSER_ERROR":
        # records.py words it "<repr or kind of value> is not <expected>": keep the expectation, show a short value
        stated = repr(value) if not isinstance(value, dict | list) else ""
        expected = problem.problem[len(stated):] if stated and problem.problem.startswith(stated) else \
            problem.problem[problem.problem.find(" is not "):]
        return f"has {shown(value) if stated else kind_of(value)}, which{expected}"
    text = problem.problem if len(problem.problem) <= 200 else problem.problem[:200] + "..."
    return f"has a bad value: {text}"
