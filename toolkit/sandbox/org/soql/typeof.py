"""``TYPEOF``: fields of a polymorphic relationship chosen by the type of the record it points to.

``SELECT Id, TYPEOF ReferencedEntity WHEN Payment THEN Amount, Status WHEN Refund THEN Amount ELSE Id, Type END
FROM PaymentGatewayLog`` (Salesforce: "TYPEOF", SOQL and SOSL Reference; GA since API 46.0). Rules kept here:

- the field is a polymorphic relationship of the queried object or of a parent (``LastPaymentGatewayLog
  .ReferencedEntity`` from OrderPaymentSummary); any other relationship is MALFORMED_QUERY;
- each WHEN names one of the types the relationship references, once; its fields are fields (or parent paths) of
  that type; ELSE fields are those of the polymorphic ``Name`` entity (Id, Name, Type);
- the relationship is not also selected elsewhere in the query; TYPEOF is only for the SELECT list of a query that
  returns records (not aggregate queries, not semi-joins, not Bulk API jobs); it cannot nest (the grammar says so).

A record's relationship renders as the matching WHEN's fields with ``attributes`` of the record's own type, the ELSE
fields when no WHEN matches, only ``attributes`` when neither applies, and null when the lookup is empty. A WHEN
type the sandbox org does not model (PaymentAuthAdjustment) is refused as an unsupported type.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from toolkit.sandbox.org.schema import Field
from toolkit.sandbox.org.soql import nodes as n
from toolkit.sandbox.org.soql.errors import SoqlError
from toolkit.sandbox.org.soql.fields import NAME_FIELDS, Context, Step, name_entity_value, resolve_path

if TYPE_CHECKING:
    from toolkit.sandbox.org.soql.records import _Shape

__all__ = ["TypeofPlan", "plan_typeof", "typeof_renderer"]

Row = dict[str, Any]


@dataclass
class TypeofPlan:
    parent_steps: tuple[Step, ...]  # the parents leading to the polymorphic relationship (none from the object)
    step: Step  # the polymorphic relationship itself
    branches: dict[str, tuple[str, _Shape]]  # object name, lower-cased -> (object name, its fields' shape)
    else_fields: tuple[Field, ...] | None

    @property
    def key(self) -> str:
        """Case-insensitive identity of the relationship path, e.g. ``lastpaymentgatewaylog.referencedentity``."""
        return ".".join(s.relationship for s in (*self.parent_steps, self.step)).lower()


def plan_typeof(ctx: Context, obj_name: str, item: n.SelectTypeof, new_shape: Callable[[], _Shape]) -> TypeofPlan:
    """Resolve ``item`` against the queried object ``obj_name``; errors as Salesforce reports them."""
    obj = ctx.get_object(obj_name)
    assert obj is not None
    ref = item.ref
    path = resolve_path(ctx, obj, n.FieldRef((*ref.path, "Id"), ref.line, ref.column))
    if not path.steps or path.steps[-1].target is not None:
        raise ctx.error("MALFORMED_QUERY", ref, f"TYPEOF {ref.text}: {ref.path[-1]} is not a polymorphic "
                        "relationship; TYPEOF takes a relationship that can reference several types")
    step = path.steps[-1]
    holder = ctx.get_object(path.steps[-2].target or "") if len(path.steps) > 1 else obj
    assert holder is not None
    lookup = holder.field_ci(step.fk)
    assert lookup is not None
    allowed = {name.lower(): name for name in lookup.reference_to}
    branches: dict[str, tuple[str, _Shape]] = {}
    for when in item.whens:
        name = allowed.get(when.object_name.lower())
        if name is None:
            raise ctx.error("MALFORMED_QUERY", when, f"TYPEOF {ref.text}: {when.object_name} is not one of the types "
                            f"{step.relationship} references ({', '.join(lookup.reference_to)})")
        target = ctx.get_object(name)
        if target is None:
            raise ctx.error("INVALID_TYPE", when, f"sObject type '{name}' is not supported.")
        if name.lower() in branches:
            raise ctx.error("MALFORMED_QUERY", when, f"TYPEOF {ref.text}: duplicate WHEN {when.object_name}")
        shape = new_shape()
        seen: set[str] = set()
        for fld in when.fields:
            field_path = resolve_path(ctx, target, fld)
            if field_path.key in seen:
                raise SoqlError("INVALID_FIELD", f"duplicate field selected: {fld.text}")
            seen.add(field_path.key)
            shape.add(field_path.steps, field_path.field)
        branches[name.lower()] = (target.name, shape)
    else_fields: tuple[Field, ...] | None = None
    if item.else_fields is not None:
        chosen = []
        for fld in item.else_fields:
            found = NAME_FIELDS.get(fld.text.lower()) if len(fld.path) == 1 else None
            if found is None:
                raise ctx.error("INVALID_FIELD", fld, f"No such column '{fld.text}' on entity 'Name'. If you are "
                                "attempting to use a custom field, be sure to append the '__c' after the custom "
                                "field name. Please reference your WSDL or the describe call for the appropriate "
                                "names.")
            if found in chosen:
                raise SoqlError("INVALID_FIELD", f"duplicate field selected: {fld.text}")
            chosen.append(found)
        else_fields = tuple(chosen)
    return TypeofPlan(path.steps[:-1], step, branches, else_fields)


def typeof_renderer(ctx: Context, plan: TypeofPlan,
                    compile_shape: Callable[[str, _Shape], Callable[..., dict[str, Any]]]
                    ) -> Callable[[Row], dict[str, Any] | None]:
    """row (of the relationship's holder) -> the rendered relationship, or None for an empty lookup."""
    follow = ctx.follow(plan.step)
    renders = {key: compile_shape(name, shape) for key, (name, shape) in plan.branches.items()}
    prefix = ctx.url_prefix

    def render(row: Row) -> dict[str, Any] | None:
        found = follow(row)
        if found is None:
            return None
        actual, target = found
        branch = renders.get(actual.lower())
        if branch is not None:
            return branch(target)
        out: dict[str, Any] = {"attributes": {"type": actual, "url": f"{prefix}{actual}/{target['Id']}"}}
        for fld in plan.else_fields or ():
            out[fld.name] = name_entity_value(ctx, actual, target, fld.name)
        return out
    return render
