"""``expand[]``: replace ids by the objects they name, up to 4 levels, on objects and on lists.

Only the fields Stripe marks expandable on these objects are accepted; anything else is Stripe's
``This property cannot be expanded (x).`` Fields that reference objects the sandbox does not hold
(customers, payment methods, accounts) are accepted and left as ids: the sandbox has no such objects.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from toolkit.sandbox.stripe.errors import StripeError

__all__ = ["EXPANDABLE", "MAX_DEPTH", "apply_expand", "parse_expand"]

MAX_DEPTH = 4
#: object type -> expandable field -> True when the sandbox holds the target objects.
EXPANDABLE: dict[str, dict[str, bool]] = {
    "payment_intent": {"latest_charge": True, "customer": False, "payment_method": False, "application": False,
                       "on_behalf_of": False, "review": False, "customer_account": False},
    "charge": {"balance_transaction": True, "payment_intent": True, "failure_balance_transaction": True,
               "refunds": True, "customer": False, "application": False, "application_fee": False,
               "on_behalf_of": False, "review": False, "source_transfer": False, "transfer": False},
    "refund": {"charge": True, "payment_intent": True, "balance_transaction": True,
               "failure_balance_transaction": True, "source_transfer_reversal": False,
               "transfer_reversal": False},
    "balance_transaction": {"source": True},
    "event": {},
    "dispute": {"charge": True, "payment_intent": True},
}
_LISTS = ("list", "search_result")

Tree = dict[str, "Tree"]
Resolver = Callable[[str], dict[str, Any] | None]


def parse_expand(paths: Any) -> Tree:
    """Turn ``["data.latest_charge.balance_transaction", ...]`` into a tree, checking depth."""
    if paths is None:
        return {}
    if isinstance(paths, str):
        paths = [paths]
    if isinstance(paths, dict):  # expand[0]=..&expand[1]=.. decoded as a dict by a lenient client
        paths = list(paths.values())
    if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
        raise StripeError(400, "Invalid array", param="expand")
    tree: Tree = {}
    for path in paths:
        parts = [part for part in path.split(".")]
        if not path or any(not part for part in parts):
            raise StripeError(400, f"Invalid expand path: '{path}'.", param="expand")
        if sum(1 for part in parts if part != "data") > MAX_DEPTH:
            raise StripeError(400, f"You cannot expand more than {MAX_DEPTH} levels of a property. Property: "
                                   f"{path}", param="expand")
        node = tree
        for part in parts:
            node = node.setdefault(part, {})
    return tree


def apply_expand(obj: Any, tree: Tree, resolve: Resolver, prefix: str = "") -> Any:
    """Expand ``obj`` (a rendered object or list, modified in place) along ``tree``."""
    if not tree or not isinstance(obj, dict):
        return obj
    kind = obj.get("object")
    for key, subtree in tree.items():
        where = f"{prefix}{key}"
        if kind in _LISTS:
            if key == "total_count" and kind == "search_result":
                continue
            if key != "data":
                raise StripeError(400, f"This property cannot be expanded ({where}).", param="expand")
            for item in obj.get("data", []):
                apply_expand(item, subtree, resolve, f"{where}.")
            continue
        fields = EXPANDABLE.get(kind or "", {})
        if key not in fields:
            raise StripeError(400, f"This property cannot be expanded ({where}).", param="expand")
        value = obj.get(key)
        if isinstance(value, str) and fields[key]:
            target = resolve(value)
            if target is not None:
                obj[key] = target
                value = target
        if isinstance(value, dict):
            apply_expand(value, subtree, resolve, f"{where}.")
    return obj
