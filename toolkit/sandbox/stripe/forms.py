"""Decode Stripe's form encoding (``metadata[order_id]=..``, ``expand[0]=..``, ``types[]=..``) and read typed values."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl

from toolkit.sandbox.stripe.errors import StripeError

__all__ = ["as_bool", "as_int", "as_metadata", "as_str", "decode_form"]

_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")
_PART = re.compile(r"\[([^\[\]]*)\]")


def decode_form(text: str) -> dict[str, Any]:
    """``a[b][0]=x&a[b][1]=y&c=z`` -> ``{"a": {"b": ["x", "y"]}, "c": "z"}``."""
    root: dict[str, Any] = {}
    for key, value in parse_qsl(text, keep_blank_values=True):
        match = _KEY.match(key)
        if match is None:
            raise StripeError(400, f"Invalid parameter name: {key}", param=key)
        parts = [match.group(1), *_PART.findall(match.group(2))]
        node: dict[str, Any] = root
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            if part == "":
                part = str(len(node))
            if last:
                node[part] = value
            else:
                child = node.setdefault(part, {})
                if not isinstance(child, dict):
                    raise StripeError(400, f"Invalid parameter name: {key} (mixes a value and a hash)", param=key)
                node = child
    return _listify(root)


def _listify(value: Any) -> Any:
    if isinstance(value, dict):
        converted = {key: _listify(item) for key, item in value.items()}
        if converted and all(key.isdigit() for key in converted):
            return [converted[key] for key in sorted(converted, key=int)]
        return converted
    return value


def as_int(params: dict[str, Any], name: str, *, required: bool = False) -> int | None:
    value = params.get(name)
    if value is None or value == "":
        if required:
            raise StripeError(400, f"Missing required param: {name}.", code="parameter_missing", param=name)
        return None
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value):
        return int(value)
    raise StripeError(400, f"Invalid integer: {value}", code="parameter_invalid_integer", param=name)


def as_bool(params: dict[str, Any], name: str, default: bool = False) -> bool:
    value = params.get(name)
    if value is None:
        return default
    if value in ("true", "True", "1"):
        return True
    if value in ("false", "False", "0"):
        return False
    raise StripeError(400, f"Invalid boolean: {value}", param=name)


def as_str(params: dict[str, Any], name: str, *, required: bool = False) -> str | None:
    value = params.get(name)
    if value is None or value == "":
        if required:
            raise StripeError(400, f"Missing required param: {name}.", code="parameter_missing", param=name)
        return None
    if not isinstance(value, str):
        raise StripeError(400, f"Invalid string: {name} must be a string.", param=name)
    return value


def as_metadata(params: dict[str, Any], name: str = "metadata") -> dict[str, str] | None:
    value = params.get(name)
    if value is None:
        return None
    if value == "":
        return {}
    if not isinstance(value, dict):
        raise StripeError(400, "Invalid hash", param=name)
    if len(value) > 50:
        raise StripeError(400, "Invalid metadata: metadata may have at most 50 keys.", param=name)
    for key, item in value.items():
        if not isinstance(item, str):
            raise StripeError(400, "Invalid metadata: values must be strings.", param=f"{name}[{key}]")
        if len(key) > 40:
            raise StripeError(400, "Invalid metadata: keys must be at most 40 characters.", param=f"{name}[{key}]")
        if len(item) > 500:
            raise StripeError(400, "Invalid metadata: values must be at most 500 characters.",
                              param=f"{name}[{key}]")
    return dict(value)
