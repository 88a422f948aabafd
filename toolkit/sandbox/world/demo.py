"""The demo world: 49 orders over the 30 days before 2026-11-20T15:00:00Z, every finding and cause.

:func:`build_demo` builds it deterministically; :func:`demo_files` renders the case file and its manifest
as the exact bytes shipped in ``toolkit/sandbox/data/`` (a test rebuilds them and compares).
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from toolkit.core.clock import parse_instant
from toolkit.sandbox.org.settings import Currencies, OrgSettings
from toolkit.sandbox.world.builder import OrderPlan, World, build_orders

__all__ = ["DEMO_NOW", "DEMO_PLANS", "build_demo", "demo_files", "write_demo"]

DEMO_NOW = "2026-11-20T15:00:00Z"
DEMO_SEED = 20261120
DATA_DIR = Path(__file__).resolve().parent.parent / "data"
_TITLE = "Demo world: 49 orders paid through the Stripe connector"
_DESCRIPTION = ("Built by `python -m toolkit.sandbox.world demo`: healthy orders in USD, EUR and JPY (captured at "
                "checkout and by Order Management, partial refunds, split shipments, async adapter) beside one or "
                "more orders for every trace finding and failed-capture cause; disputes open, lost and won. The "
                "org has multiple currencies (corporate USD, rates for EUR and JPY). The manifest "
                "demo-world.manifest.json lists each order's scenario and expectations.")

_P = OrderPlan
DEMO_PLANS: list[OrderPlan] = [
    _P("00001001", "healthy_checkout_capture", {"amount": "59.90", "currency": "USD"}),
    _P("00001002", "healthy_checkout_capture", {"amount": "84.00", "currency": "EUR"}),
    _P("00001003", "healthy_checkout_capture", {"amount": "6400", "currency": "JPY"}),
    _P("00001004", "healthy_checkout_capture", {"amount": "19.99", "currency": "USD", "metadata": False}),
    _P("00001005", "healthy_oms_capture", {"amount": "129.00", "currency": "USD"}),
    _P("00001006", "healthy_oms_capture", {"amount": "212.40", "currency": "EUR"}),
    _P("00001007", "healthy_oms_capture", {"amount": "15800", "currency": "JPY"}),
    _P("00001008", "healthy_oms_capture", {"amount": "45.00", "currency": "USD", "metadata": False}),
    _P("00001009", "healthy_partial_refund", {"amount": "180.00", "currency": "USD", "refund": "45.00"}),
    _P("00001010", "healthy_partial_refund", {"amount": "9900", "currency": "JPY", "refund": "2500"}),
    _P("00001011", "healthy_checkout_refund", {"amount": "75.00", "currency": "EUR", "refund": "25.00"}),
    _P("00001012", "healthy_split_shipment_refunds", {"amount": "240.00", "currency": "USD"}),
    _P("00001013", "healthy_split_shipment_full_capture", {"amount": "310.00", "currency": "USD"}),
    _P("00001014", "healthy_split_shipment_full_capture", {"amount": "148.60", "currency": "EUR"}),
    _P("00001015", "healthy_async_capture", {"amount": "89.00", "currency": "USD"}),
    _P("00001016", "healthy_async_refund", {"amount": "64.00", "currency": "EUR", "refund": "16.00"}),
    _P("00001017", "auth_expired_then_capture_failed", {"amount": "129.00", "currency": "USD"}),
    _P("00001018", "auth_expired_unnoticed", {"amount": "42.50", "currency": "EUR"}),
    _P("00001019", "auth_canceled_then_capture_failed", {"amount": "99.00", "currency": "USD"}),
    _P("00001020", "auth_expiring", {"amount": "210.00", "currency": "USD"}),
    _P("00001021", "second_capture_rejected", {"amount": "200.00", "currency": "USD", "first": "120.00"}),
    _P("00001022", "timeout_but_captured", {"amount": "149.00", "currency": "USD"}),
    _P("00001023", "timeout_but_captured", {"amount": "61.00", "currency": "EUR", "sf_result_code": "SystemError"}),
    _P("00001024", "timeout_not_captured", {"amount": "74.00", "currency": "USD"}),
    _P("00001025", "already_captured_in_dashboard", {"amount": "55.00", "currency": "EUR"}),
    _P("00001026", "capture_above_capturable", {"amount": "129.00", "currency": "USD", "asked": "139.00"}),
    _P("00001027", "rate_limited_then_captured", {"amount": "38.00", "currency": "USD"}),
    _P("00001028", "stripe_api_error", {"amount": "66.00", "currency": "EUR"}),
    _P("00001029", "wrong_credentials_then_captured", {"amount": "120.00", "currency": "USD"}),
    _P("00001030", "unknown_gateway_error", {"amount": "47.00", "currency": "USD"}),
    _P("00001031", "capture_recorded_by_hand", {"amount": "88.00", "currency": "USD"}),
    _P("00001032", "payment_intent_typo", {"amount": "58.00", "currency": "USD"}),
    _P("00001033", "no_stripe_reference", {"amount": "33.00", "currency": "USD"}),
    _P("00001034", "jpy_amount_scale_mismatch", {"amount": "4800", "currency": "JPY"}),
    _P("00001035", "refund_missing_in_oms", {"amount": "120.00", "currency": "USD", "refund": "20.00"}),
    _P("00001036", "refund_missing_in_stripe", {"amount": "95.00", "currency": "EUR", "refund": "30.00"}),
    _P("00001037", "refund_failed", {"amount": "140.00", "currency": "USD", "refund": "40.00"}),
    _P("00001038", "refund_pending", {"amount": "76.00", "currency": "USD", "refund": "26.00"}),
    _P("00001039", "duplicate_refund", {"amount": "150.00", "currency": "USD", "refund": "25.00"}),
    _P("00001040", "charge_disputed", {"amount": "260.00", "currency": "USD"}),
    _P("00001041", "healthy_checkout_capture", {"amount": "112.35", "currency": "USD"}),
    _P("00001042", "healthy_oms_capture", {"amount": "67.80", "currency": "EUR"}),
    _P("00001043", "healthy_checkout_capture", {"amount": "2980", "currency": "JPY"}),
    _P("00001044", "healthy_partial_refund", {"amount": "92.00", "currency": "EUR", "refund": "12.50"}),
    _P("00001045", "auth_expired_then_capture_failed", {"amount": "318.00", "currency": "EUR"}),
    _P("00001046", "healthy_oms_capture", {"amount": "24.99", "currency": "USD"}),
    _P("00001047", "currency_mismatch", {"amount": "129.00", "currency": "USD", "oms_currency": "JPY"}),
    _P("00001048", "dispute_lost", {"amount": "184.00", "currency": "USD"}),
    _P("00001049", "dispute_won", {"amount": "96.50", "currency": "EUR"}),
]
#: The org's currencies (``CurrencyType``): USD is the corporate currency; one USD buys 0.92 EUR or 151.5 JPY.
DEMO_CURRENCIES = Currencies("USD", {"USD": Decimal(1), "EUR": Decimal("0.92"), "JPY": Decimal("151.5")},
                             {"USD": 2, "EUR": 2, "JPY": 0})


def build_demo() -> tuple[World, list[dict[str, Any]]]:
    """Build the demo world in a fresh Sandbox; returns the world and its manifest entries."""
    world = World()
    world.sandbox.org.settings = OrgSettings(currencies=DEMO_CURRENCIES)
    now: datetime = parse_instant(DEMO_NOW)
    manifest = build_orders(world, DEMO_PLANS, now=now, window_days=30, seed=DEMO_SEED)
    return world, manifest


def demo_files() -> tuple[str, str]:
    """The demo world's case file and manifest, as the exact text shipped."""
    world, manifest = build_demo()
    case = world.sandbox.to_case(title=_TITLE, description=_DESCRIPTION)
    case_text = json.dumps(case, indent=1) + "\n"
    manifest_doc = {"world": "demo-world.json", "now": DEMO_NOW, "orders": manifest}
    return case_text, json.dumps(manifest_doc, indent=1) + "\n"


def write_demo(directory: Path = DATA_DIR) -> tuple[Path, Path]:
    case_text, manifest_text = demo_files()
    case_path = directory / "demo-world.json"
    manifest_path = directory / "demo-world.manifest.json"
    case_path.write_text(case_text, encoding="utf-8")
    manifest_path.write_text(manifest_text, encoding="utf-8")
    return case_path, manifest_path
