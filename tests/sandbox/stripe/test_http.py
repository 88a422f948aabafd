"""The HTTP contract: Request-Id, keys, test/live separation, idempotency, injected faults and retries."""

from __future__ import annotations

import json

import pytest
import stripe

from toolkit.sandbox import SANDBOX_SECRET_KEY, STRIPE_ORIGIN

AUTH = {"Authorization": f"Bearer {SANDBOX_SECRET_KEY}"}


def test_request_id_on_every_response(box, client, auto_pi):
    pi = auto_pi()
    ok = box.http.get(f"{STRIPE_ORIGIN}/v1/payment_intents/{pi.id}", headers=AUTH)
    missing = box.http.get(f"{STRIPE_ORIGIN}/v1/payment_intents/pi_nope", headers=AUTH)
    unknown_url = box.http.get(f"{STRIPE_ORIGIN}/v1/widgets", headers=AUTH)
    no_key = box.http.get(f"{STRIPE_ORIGIN}/v1/payment_intents")
    box.stripe.faults.fail("/v1/charges", "server_error")
    fault = box.http.get(f"{STRIPE_ORIGIN}/v1/charges", headers=AUTH)
    for response, status in ((ok, 200), (missing, 404), (unknown_url, 404), (no_key, 401), (fault, 500)):
        assert response.status_code == status
        assert response.headers["Request-Id"].startswith("req_")
        assert len(response.headers["Request-Id"]) == len("req_") + 24
    assert missing.json()["error"]["code"] == "resource_missing"
    assert missing.json()["error"]["message"] == "No such payment_intent: 'pi_nope'"
    assert unknown_url.json()["error"]["message"].startswith("Unrecognized request URL (GET: /v1/widgets)")
    assert fault.json()["error"]["type"] == "api_error"
    ids = {r.headers["Request-Id"] for r in (ok, missing, unknown_url, no_key, fault)}
    assert len(ids) == 5


def test_invalid_key_is_401_and_never_echoed(box):
    key = "sk_live_" + "realLookingKey1234567890abcd"  # built at run time: no key-shaped literal in the repo
    client = box.stripe_client(key)
    with pytest.raises(stripe.AuthenticationError) as info:
        client.v1.payment_intents.list()
    assert info.value.http_status == 401
    assert key not in str(info.value) and key not in json.dumps(info.value.json_body)
    assert info.value.json_body["error"]["type"] == "invalid_request_error"
    assert "abcd" in info.value.json_body["error"]["message"]  # only the last 4 characters


def test_any_sandbox_test_key_is_the_full_key(box):
    client = box.stripe_client("sk_test_sandbox_another")
    assert client.v1.payment_intents.list().data == []


def test_restricted_keys(box, auto_pi):
    pi = auto_pi()
    key = box.stripe.restricted_key({"payment_intents": "read", "refunds": "write"})
    assert key.startswith("rk_test_sandbox_")
    restricted = box.stripe_client(key)
    assert restricted.v1.payment_intents.retrieve(pi.id).id == pi.id
    refund = restricted.v1.refunds.create(params={"payment_intent": pi.id, "amount": 100})
    assert refund.status == "succeeded"
    with pytest.raises(stripe.PermissionError) as info:
        restricted.v1.payment_intents.cancel(pi.id)
    assert info.value.http_status == 403
    body = info.value.json_body["error"]
    assert body["type"] == "invalid_request_error"
    assert "rak_payment_intent_write" in body["message"]
    assert key not in body["message"] and key[-4:] in body["message"]
    with pytest.raises(stripe.PermissionError):
        restricted.v1.charges.retrieve(pi.latest_charge)
    with pytest.raises(stripe.PermissionError):
        restricted.v1.events.list()
    unknown = box.stripe_client("rk_test_sandbox_notissued")
    with pytest.raises(stripe.AuthenticationError):
        unknown.v1.payment_intents.list()
    with pytest.raises(ValueError, match="unknown resource"):
        box.stripe.restricted_key({"customers": "read"})
    assert key not in repr(box.stripe.keys)


def test_test_key_on_live_objects_is_resource_missing_with_hint(box, client, expired_case):
    case = expired_case
    case["stripe"]["livemode"] = True
    for obj in case["stripe"]["objects"]:
        if "livemode" in obj:
            obj["livemode"] = True
        if obj["object"] == "event":
            obj["data"]["object"]["livemode"] = True
    box.load_case(case)
    assert box.stripe.livemode is True
    with pytest.raises(stripe.InvalidRequestError) as info:
        client.v1.payment_intents.retrieve("pi_3Q0SM8zJpqHmSKkAdDeUpQyU")
    err = info.value
    assert err.http_status == 404 and err.error.code == "resource_missing"
    assert err.error.message == ("No such payment_intent: 'pi_3Q0SM8zJpqHmSKkAdDeUpQyU'; a similar object exists in "
                                 "live mode, but a test mode key was used to make this request.")
    assert client.v1.payment_intents.list().data == []
    assert client.v1.events.list().data == []
    assert client.v1.payment_intents.search(params={"query": "status:'canceled'"}).data == []
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.refunds.retrieve("re_3Q6wlMpLvBjvj4IZUxRtRk2P")


def test_idempotent_replay_is_byte_for_byte(box):
    data = {"amount": "5000", "currency": "usd", "confirm": "true", "payment_method": "pm_card_visa"}
    first = box.http.post(f"{STRIPE_ORIGIN}/v1/payment_intents", data=data, headers={**AUTH, "Idempotency-Key": "k1"})
    second = box.http.post(f"{STRIPE_ORIGIN}/v1/payment_intents", data=data, headers={**AUTH, "Idempotency-Key": "k1"})
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert second.headers["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first.headers
    assert second.headers["Request-Id"] != first.headers["Request-Id"]
    assert second.headers["Original-Request"] == first.headers["Request-Id"]
    assert len(box.stripe.store.by_type["payment_intent"]) == 1


def test_idempotent_replay_of_an_error_and_through_the_client(box, client, auto_pi):
    pi = auto_pi(amount=5000)
    for _ in range(2):
        with pytest.raises(stripe.InvalidRequestError) as info:
            client.v1.refunds.create(params={"payment_intent": pi.id, "amount": 9000},
                                     options={"idempotency_key": "too-much"})
        assert info.value.error.code == "amount_too_large"
    assert info.value.headers["Idempotent-Replayed"] == "true"
    first = client.v1.refunds.create(params={"payment_intent": pi.id, "amount": 100}, options={"idempotency_key": "r"})
    again = client.v1.refunds.create(params={"payment_intent": pi.id, "amount": 100}, options={"idempotency_key": "r"})
    assert first.id == again.id
    assert len(client.v1.refunds.list().data) == 1


def test_idempotency_conflicts(client, auto_pi):
    pi = auto_pi(amount=5000)
    client.v1.refunds.create(params={"payment_intent": pi.id, "amount": 100}, options={"idempotency_key": "same"})
    with pytest.raises(stripe.IdempotencyError) as info:
        client.v1.refunds.create(params={"payment_intent": pi.id, "amount": 200}, options={"idempotency_key": "same"})
    assert info.value.http_status == 400
    assert info.value.json_body["error"]["type"] == "idempotency_error"
    with pytest.raises(stripe.IdempotencyError):
        client.v1.payment_intents.cancel(pi.id, options={"idempotency_key": "same"})


def test_idempotency_keys_expire_after_24_hours_of_clock(box, client, auto_pi):
    pi = auto_pi(amount=5000)
    first = client.v1.refunds.create(params={"payment_intent": pi.id, "amount": 100}, options={"idempotency_key": "d"})
    box.clock.advance(hours=23, minutes=59)
    assert client.v1.refunds.create(params={"payment_intent": pi.id, "amount": 100},
                                    options={"idempotency_key": "d"}).id == first.id
    box.clock.advance(minutes=2)
    second = client.v1.refunds.create(params={"payment_intent": pi.id, "amount": 100},
                                      options={"idempotency_key": "d"})
    assert second.id != first.id


def test_retries_lock_timeout_and_server_errors_but_not_rate_limits(box):
    client = box.stripe_client(max_network_retries=2)
    box.stripe.faults.fail("/v1/payment_intents", "lock_timeout", method="POST")
    box.stripe.faults.fail("/v1/payment_intents", "server_error", method="POST")
    pi = client.v1.payment_intents.create(params={"amount": 5000, "currency": "usd"})
    assert pi.status == "requires_payment_method"
    posts = [e for e in box.stripe.log.entries if e.method == "POST"]
    assert [e.fault for e in posts] == ["lock_timeout", "server_error", None]
    assert len(box.stripe.store.by_type["payment_intent"]) == 1

    box.stripe.faults.fail("/v1/payment_intents", "rate_limit", method="GET")
    box.stripe.log.clear()
    with pytest.raises(stripe.RateLimitError) as info:
        client.v1.payment_intents.list()
    assert info.value.http_status == 429
    assert info.value.json_body["error"]["code"] == "rate_limit"
    assert info.value.request_id.startswith("req_")
    assert len(box.stripe.log) == 1


def test_fault_shapes(box):
    status, headers, body = box.stripe.render_fault("lock_timeout")
    assert status == 429 and headers["Stripe-Should-Retry"] == "true" and headers["Request-Id"].startswith("req_")
    assert json.loads(body)["error"]["code"] == "lock_timeout"
    status, headers, body = box.stripe.render_fault("rate_limit")
    assert status == 429 and "Stripe-Should-Retry" not in headers
    assert json.loads(body)["error"] == {**json.loads(body)["error"], "type": "invalid_request_error",
                                         "code": "rate_limit"}
    status, _headers, body = box.stripe.render_fault("unavailable")
    assert status == 503 and json.loads(body)["error"]["type"] == "api_error"


def test_form_decoding_of_nested_params(client):
    pi = client.v1.payment_intents.create(params={"amount": 5000, "currency": "usd",
                                                  "metadata": {"order_id": "00001042", "site id": "a&b=c"}})
    assert pi.metadata.to_dict() == {"order_id": "00001042", "site id": "a&b=c"}


def test_concurrent_requests_are_consistent(box, auto_pi):
    from concurrent.futures import ThreadPoolExecutor

    pi = auto_pi(amount=10000)
    client = box.stripe_client()

    def refund(_index):
        try:
            return client.v1.refunds.create(params={"payment_intent": pi.id, "amount": 1000}).amount
        except stripe.InvalidRequestError:
            return 0

    with ThreadPoolExecutor(max_workers=8) as pool:
        total = sum(pool.map(refund, range(16)))
    assert total == 10000
    assert client.v1.charges.retrieve(pi.latest_charge).amount_refunded == 10000


def test_same_key_while_the_first_request_runs_is_409(box):
    import threading

    client = box.stripe_client()
    results = {}

    def first():
        results["first"] = client.v1.payment_intents.create(params={"amount": 5000, "currency": "usd"},
                                                            options={"idempotency_key": "busy"})

    with box.stripe.lock:  # hold the account so the first request stays in flight
        thread = threading.Thread(target=first)
        thread.start()
        while len(box.stripe.idempotency) == 0:
            thread.join(0.01)
        with pytest.raises(stripe.APIError) as info:
            client.v1.payment_intents.create(params={"amount": 5000, "currency": "usd"},
                                             options={"idempotency_key": "busy"})
    thread.join()
    assert info.value.http_status == 409
    assert info.value.json_body["error"]["code"] == "idempotency_key_in_use"
    assert results["first"].status == "requires_payment_method"


def test_direct_operations_record_the_request_they_stand_for(box, client):
    pi = box.stripe.create_payment_intent(amount=5000, currency="usd",
                                          request={"id": "req_storefront", "idempotency_key": "checkout-1"})
    assert box.stripe.get(pi["id"])["status"] == "succeeded"
    assert box.stripe.get("pi_unknown") is None
    events = client.v1.events.list().data
    assert {e.request.idempotency_key for e in events} == {"checkout-1"}
