"""The refund wizard, driven from Python: set values, click, read what it shows."""

from __future__ import annotations

from pathlib import Path

from toolkit.core.retry import RetryPolicy
from toolkit.session import connect
from toolkit.widgets.refund_wizard import RefundWizard


def _wizard(tmp_path: Path, order: str = "00001009", writes: bool = True) -> RefundWizard:
    session = connect(allow_writes=writes, data_dir=tmp_path, retry=RetryPolicy(sleep=lambda s: None))
    return RefundWizard(session, order=order)


def test_order_payment_amount_reason_case_preview_confirm_result(tmp_path: Path) -> None:
    wizard = _wizard(tmp_path)
    assert wizard.confirm.disabled
    wizard.find.click()
    assert wizard.payment.options and "135.00 USD left to refund" in wizard.payment.options[0][0]
    wizard.amount.value = "12.50"
    wizard.case_reference.value = "CS-77"
    wizard.preview_button.click()
    assert "Dry run: nothing sent" in wizard.preview.value and "12.50 USD" in wizard.preview.value
    assert not wizard.confirm.disabled
    wizard.confirm.click()
    assert wizard.state.result is not None and wizard.state.result.status == "done"
    assert "done" in wizard.result.value and "Trace of" in wizard.result.value
    assert wizard.confirm.disabled  # after success it stays disabled
    wizard.confirm.click()  # a second click does nothing
    assert len(wizard.state.session.journal.entries()) == 1


def test_a_blocked_preview_cannot_be_confirmed(tmp_path: Path) -> None:
    wizard = _wizard(tmp_path, order="00001035")
    wizard.find.click()
    wizard.case_reference.value = "CS-78"
    wizard.preview_button.click()
    assert "Blocked" in wizard.preview.value and "Order Management lacks" in wizard.preview.value
    assert wizard.confirm.disabled


def test_bad_input_is_one_sentence_in_the_view(tmp_path: Path) -> None:
    wizard = _wizard(tmp_path)
    wizard.find.click()
    wizard.preview_button.click()  # no case reference
    assert "case reference" in wizard.result.value and wizard.confirm.disabled
    wizard.order.value = "not an order!"
    wizard.find.click()
    assert "neither a Stripe id" in wizard.result.value


def test_without_writes_the_confirmation_is_refused_in_one_sentence(tmp_path: Path) -> None:
    wizard = _wizard(tmp_path, writes=False)
    wizard.find.click()
    wizard.case_reference.value = "CS-79"
    wizard.preview_button.click()
    wizard.confirm.click()
    assert "allow_writes=True" in wizard.result.value and wizard.state.result is None
