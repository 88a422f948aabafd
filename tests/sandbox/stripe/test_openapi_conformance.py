"""Everything the embedded Stripe account serves validates against Stripe's published schemas.

Over the demo world and every test case file, over HTTP as a client receives it: each object retrieved, retrieved
with every expandable field expanded, each list (every page, expanded) and search result, each event's
``data.object`` against the schema of its own type, and the errors (a missing object, a capture or a cancel in the
wrong state with the PaymentIntent embedded, a refund of a disputed charge). ``tests/stripe_openapi.py`` converts
the schemas (``nullable``, closed objects); any violation fails, listed with where it is.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from stripe_openapi import SERVED, error_validator, list_validator, validator, violations

from toolkit.sandbox import Sandbox
from toolkit.sandbox.sandbox import SANDBOX_SECRET_KEY, STRIPE_ORIGIN

TESTS = Path(__file__).resolve().parents[2]
DEMO = TESTS.parent / "toolkit" / "sandbox" / "data" / "demo-world.json"
CASE_FILES = sorted(
    [p for p in (TESTS / "data" / "cases").rglob("*.json") if p.name != "expected.json"]
    + list((TESTS / "sandbox" / "stripe" / "cases").glob("*.json")))
RESOURCES = {"payment_intent": "payment_intents", "charge": "charges", "refund": "refunds",
             "balance_transaction": "balance_transactions", "event": "events", "dispute": "disputes"}
#: Every expandable path worth following, per object type (Stripe expands at most 4 levels).
EXPAND = {
    "payment_intent": ["latest_charge.balance_transaction.source", "latest_charge.refunds",
                       "latest_charge.failure_balance_transaction"],
    "charge": ["payment_intent", "balance_transaction", "failure_balance_transaction", "refunds"],
    "refund": ["charge.payment_intent", "balance_transaction", "failure_balance_transaction"],
    "balance_transaction": ["source"],
    "event": [],
    "dispute": ["charge.balance_transaction", "payment_intent.latest_charge"],
}


class Client:
    """Raw HTTP to the sandbox account: the JSON exactly as sent, validated as it arrives."""

    def __init__(self, box: Sandbox) -> None:
        self.box = box
        self.problems: list[str] = []
        self.seen = 0

    def call(self, method: str, path: str, params: dict[str, Any] | None = None) -> tuple[int, Any]:
        response = self.box.http.request(method, STRIPE_ORIGIN + path, params=params if method == "GET" else None,
                                         data=params if method == "POST" else None,
                                         headers={"Authorization": f"Bearer {SANDBOX_SECRET_KEY}"})
        return response.status_code, response.json()

    def check(self, label: str, checker: Any, value: Any) -> None:
        self.seen += 1
        self.problems.extend(f"{label}: {line}" for line in violations(checker, value))

    def get(self, path: str, label: str, kind: str | None, params: dict[str, Any] | None = None) -> Any:
        status, body = self.call("GET", path, params)
        if status != 200:
            self.check(f"{label} (HTTP {status})", error_validator(), body)
            return None
        if kind is not None:
            self.check(label, validator(kind), body)
        return body


def _expand_params(paths: list[str], prefix: str = "") -> dict[str, Any]:
    return {f"expand[{i}]": f"{prefix}{p}" for i, p in enumerate(paths)}


def _objects(box: Sandbox) -> Iterator[dict[str, Any]]:
    for object_id in list(box.stripe.store.seq):
        yield box.stripe.store.objects[object_id]


def _serve_everything(box: Sandbox) -> Client:
    client = Client(box)
    for obj in _objects(box):
        kind = obj["object"]
        path = f"/v1/{RESOURCES[kind]}/{obj['id']}"
        served = client.get(path, path, kind)
        if EXPAND[kind]:
            client.get(path, f"{path} expanded", kind, _expand_params(EXPAND[kind]))
        if kind == "event" and served is not None:
            snapshot = served["data"]["object"]
            if snapshot.get("object") in SERVED:
                client.check(f"{path} data.object", validator(snapshot["object"]), snapshot)
    for kind, resource in RESOURCES.items():
        params: dict[str, Any] = {"limit": 100, **_expand_params(EXPAND[kind], "data.")}
        while True:
            page = client.get(f"/v1/{resource}", f"list {resource}", None, params)
            if page is None:
                break
            client.check(f"list {resource}", list_validator(f"/v1/{resource}"), page)
            if not page["has_more"]:
                break
            params = {**params, "starting_after": page["data"][-1]["id"]}
    for resource in ("payment_intents", "charges"):
        found = client.get(f"/v1/{resource}/search", f"search {resource}", None,
                           {"query": "created>0", "limit": 100, "expand[0]": "total_count"})
        if found is not None:
            client.check(f"search {resource}", list_validator(f"/v1/{resource}/search"), found)
    _errors(client)
    return client


def _errors(client: Client) -> None:
    """Refusals, with the PaymentIntent embedded where Stripe embeds it."""
    client.get("/v1/payment_intents/pi_missing", "missing PaymentIntent", None)
    client.get("/v1/disputes/du_missing", "missing dispute", None)
    store = client.box.stripe.store
    for obj in list(_objects(client.box)):
        if obj["object"] == "payment_intent" and obj["status"] != "requires_capture":
            status, body = client.call("POST", f"/v1/payment_intents/{obj['id']}/capture")
            client.check(f"capture {obj['id']} (HTTP {status})", error_validator(), body)
        if obj["object"] == "charge" and obj["disputed"] and any(
                not d["is_charge_refundable"] for d in store.disputes_of(obj["id"])):
            status, body = client.call("POST", "/v1/refunds", {"charge": obj["id"]})
            assert status == 400 and body["error"]["code"] == "charge_disputed", body
            client.check(f"refund of disputed {obj['id']}", error_validator(), body)


def _assert_conforms(client: Client) -> None:
    assert client.seen > 0
    shown = "\n".join(client.problems[:40])
    assert not client.problems, f"{len(client.problems)} violations of Stripe's schemas:\n{shown}"


def test_the_demo_world_serves_what_stripe_schemas_allow() -> None:
    box = Sandbox.from_case(DEMO)
    client = _serve_everything(box)
    kinds = {obj["object"] for obj in _objects(box)}
    assert set(SERVED) <= kinds, "the demo world should exercise every type the sandbox serves"
    _assert_conforms(client)


@pytest.mark.parametrize("case", CASE_FILES, ids=lambda p: p.stem)
def test_every_test_case_file_serves_what_stripe_schemas_allow(case: Path) -> None:
    box = Sandbox.from_case(case)
    _assert_conforms(_serve_everything(box))


def test_a_violation_is_caught() -> None:
    """The check is not vacuous: the keys and nulls the issue found are violations."""
    box = Sandbox.from_case(DEMO)
    pi = next(o for o in _objects(box) if o["object"] == "payment_intent")
    rendered = box.stripe.store.render(pi)
    assert violations(validator("payment_intent"), rendered) == []
    for broken in ({**rendered, "source": None}, {**rendered, "amount_details": None},
                   {**rendered, "status": "authorized"}):
        assert violations(validator("payment_intent"), broken), broken
    dispute = next(o for o in _objects(box) if o["object"] == "dispute")
    incomplete = {**box.stripe.store.render(dispute), "evidence_details": {}}
    assert violations(validator("dispute"), incomplete)
    assert json.dumps(rendered)  # plain JSON
