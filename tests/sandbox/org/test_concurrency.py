"""Requests from several threads at once: no lost write, exact accounting, consistent rollups."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from toolkit.sandbox import Sandbox

OPS_ID = "0bMHxQNM0000001MHA"
PA_ID = "0XcHxM130000001KBA"


def test_concurrent_writes_and_queries(box: Sandbox) -> None:
    sf = box.salesforce()
    box.org.usage = 0

    def work(worker: int) -> list[str]:
        created = []
        for n in range(10):
            created.append(sf.Payment.create({"Amount": 1.25, "Status": "Processed", "OrderPaymentSummaryId": OPS_ID,
                                              "PaymentAuthorizationId": PA_ID,
                                              "GatewayRefNumber": f"SF{worker}-{n}"})["id"])
            sf.query("SELECT Id, Amount FROM Payment")
        return created

    with ThreadPoolExecutor(max_workers=4) as pool:
        ids = [i for batch in pool.map(work, range(4)) for i in batch]
    assert len(set(ids)) == 40
    assert box.org.usage == 80
    numbers = {r["PaymentNumber"] for r in box.org.store.rows("Payment")}
    assert len(numbers) == 40
    ops = sf.OrderPaymentSummary.get(OPS_ID)
    assert ops["CapturedAmount"] == 50.0
    assert ops["AvailableToCaptureAmount"] == 79.0
    assert sf.query_all("SELECT Id FROM Payment")["totalSize"] == 40
