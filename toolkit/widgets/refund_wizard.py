"""The refund wizard: order -> payment -> amount -> reason -> case reference -> preview -> confirm -> result.

Two parts, so that tests drive it from Python and no business rule sits in widget code:

- :class:`RefundWizardState`, a plain object: the values of the steps, the plan (a
  :class:`~toolkit.actions.guided.GuidedAction` built by ``session.plan_refund``) and its result; every rule is
  the plan's (what is refundable, why not, the key, the re-check before acting).
- :class:`RefundWizard`, the ipywidgets view over it: each control writes one value of the state, each button
  calls one method, and the view redraws from the state. The confirm button is enabled only for a preview that
  is not blocked, is disabled while the request is in flight, and stays disabled after it succeeded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from html import escape
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from toolkit.analysis.refund_plan import REFUND_REASONS
from toolkit.core.money import format_money, from_salesforce
from toolkit.errors import ToolkitError

if TYPE_CHECKING:
    from toolkit.actions.guided import ActionResult, GuidedAction
    from toolkit.session import Session

__all__ = ["RefundWizard", "RefundWizardState"]


@dataclass
class RefundWizardState:
    """The wizard's state: what the analyst chose, the plan previewed, the result (see the module docstring)."""

    session: Session
    order: str = ""
    payment_id: str | None = None
    amount: str = ""
    reason: str = "requested_by_customer"
    case_reference: str = ""
    via: str = "oms"
    typed_order: str = ""
    payments: list[tuple[str, str]] = field(default_factory=list)
    action: GuidedAction | None = None
    result: ActionResult | None = None
    error: str | None = None
    busy: bool = False

    def find_payments(self) -> None:
        """The order's processed payments, labelled with what is left to refund."""
        self.error, self.action, self.result, self.payments = None, None, None, []
        try:
            trace = self.session.trace(self.order.strip())
        except ToolkitError as exc:
            self.error = str(exc)
            return
        for ev in trace.evidence:
            for payment in ev.payments:
                if payment.get("Status") != "Processed":
                    continue
                left = from_salesforce(payment.get("Balance") if payment.get("Balance") is not None
                                       else payment.get("Amount"), ev.currency) or Decimal(0)
                name = payment.get("PaymentNumber") or payment.get("Id")
                label = f"{name}: {format_money(left, ev.currency)} left to refund"
                self.payments.append((label, str(payment.get("Id"))))
        self.payment_id = self.payments[0][1] if self.payments else None
        if not self.payments:
            self.error = f"Order {self.order} has no processed payment to refund."

    def preview(self) -> None:
        """Plan the refund (a dry run): the preview shows every check, the exact request and both systems."""
        self.error, self.result = None, None
        try:
            self.action = self.session.plan_refund(self.payment_id or self.order.strip(), self.amount.strip() or None,
                                                   reason=self.reason, case_reference=self.case_reference,
                                                   via=self.via)  # type: ignore[arg-type]
        except ToolkitError as exc:
            self.action, self.error = None, str(exc)

    @property
    def can_confirm(self) -> bool:
        return self.action is not None and not self.action.blocked and not self.busy and self.result is None

    def confirm(self) -> None:
        """Execute the previewed plan once (re-checked against both systems first)."""
        if not self.can_confirm or self.action is None:
            return
        self.busy, self.error = True, None
        try:
            self.result = self.action.execute(confirm_order_number=self.typed_order or None)
        except ToolkitError as exc:
            self.error = str(exc)
        finally:
            self.busy = False


class RefundWizard:
    """The ipywidgets view of a :class:`RefundWizardState` (display it, or its ``box``, in a notebook)."""

    def __init__(self, session: Session, order: str = "") -> None:
        self.state = RefundWizardState(session, order=order)
        wide = widgets.Layout(width="28em")
        self.order = widgets.Text(value=order, description="Order", layout=wide)
        self.find = widgets.Button(description="Find payments")
        self.payment = widgets.Dropdown(options=[], description="Payment", layout=wide)
        self.amount = widgets.Text(description="Amount", placeholder="all that is refundable", layout=wide)
        self.reason = widgets.Dropdown(options=list(REFUND_REASONS), value="requested_by_customer",
                                       description="Reason", layout=wide)
        self.case_reference = widgets.Text(description="Case ref.", placeholder="CS-12345", layout=wide)
        self.via = widgets.ToggleButtons(options=[("Order Management", "oms"), ("Stripe directly", "stripe")],
                                         value="oms", description="Path")
        self.preview_button = widgets.Button(description="Preview", button_style="info")
        self.preview = widgets.HTML()
        self.typed_order = widgets.Text(description="Order no.", placeholder="type it to confirm (live only)",
                                        layout=wide)
        self.confirm = widgets.Button(description="Confirm refund", button_style="danger", disabled=True)
        self.result = widgets.HTML()
        self.find.on_click(lambda _: self._act(self._find))
        self.preview_button.on_click(lambda _: self._act(self._preview))
        self.confirm.on_click(lambda _: self._act(self._confirm))
        self.box = widgets.VBox([widgets.HBox([self.order, self.find]), self.payment, self.amount, self.reason,
                                 self.case_reference, self.via, self.preview_button, self.preview, self.typed_order,
                                 self.confirm, self.result])
        self._redraw()

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.box)

    def _collect(self) -> None:
        s = self.state
        s.order, s.amount, s.reason = self.order.value, self.amount.value, str(self.reason.value)
        s.case_reference, s.via, s.typed_order = self.case_reference.value, str(self.via.value), self.typed_order.value
        s.payment_id = self.payment.value if self.payment.options else s.payment_id

    def _act(self, step: Any) -> None:
        self._collect()
        step()
        self._redraw()

    def _find(self) -> None:
        self.state.find_payments()
        self.payment.options = self.state.payments
        if self.state.payments:
            self.payment.value = self.state.payment_id

    def _preview(self) -> None:
        self.state.preview()

    def _confirm(self) -> None:
        self.confirm.disabled = True  # no second click while the request is in flight
        self.state.confirm()

    def _redraw(self) -> None:
        s = self.state
        self.preview.value = s.action._repr_html_() if s.action is not None and s.result is None else ""
        self.confirm.disabled = not s.can_confirm
        error = f'<p style="color:#b3261e">{escape(s.error)}</p>' if s.error else ""
        self.result.value = error + (s.result._repr_html_() if s.result is not None else "")
