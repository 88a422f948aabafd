"""The error hierarchy: structured fields, JSON, every class exported from toolkit."""

from __future__ import annotations

import toolkit
from toolkit import errors


def test_every_error_class_is_exported_from_toolkit() -> None:
    for name in errors.__all__:
        assert name in toolkit.__all__ and getattr(toolkit, name) is getattr(errors, name)
    assert "StripeObjectMissing" in toolkit.__all__ and issubclass(toolkit.StripeObjectMissing, errors.NotFoundError)


def test_errors_carry_the_system_the_subject_and_the_request_id() -> None:
    error = errors.ServiceUnavailableError("Stripe failed while reading pi_1; try again later.", system="Stripe",
                                           subject="pi_1", request_id="req_1", status=500, code="api_error")
    assert (error.system, error.subject, error.request_id, error.status, error.code) == (
        "Stripe", "pi_1", "req_1", 500, "api_error")
    assert error.to_json() == {"error": "ServiceUnavailableError", "message": str(error), "system": "Stripe",
                               "subject": "pi_1", "request_id": "req_1", "status": 500, "code": "api_error"}
    assert isinstance(error, errors.ServiceError) and isinstance(error, errors.ToolkitError)
    assert isinstance(errors.InputError("x"), ValueError) and isinstance(errors.NotFoundError("x"), LookupError)
