"""The error every SOQL failure becomes, shaped as Salesforce reports it."""

from __future__ import annotations

__all__ = ["SoqlError", "located"]


class SoqlError(Exception):
    """A query Salesforce would refuse: ``[{"message": message, "errorCode": error_code}]`` with ``status``."""

    def __init__(self, error_code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.error_code = error_code
        self.message = message
        self.status = status

    def __repr__(self) -> str:
        return f"SoqlError({self.error_code!r}, {self.message!r}, status={self.status})"

    def __str__(self) -> str:
        return f"{self.error_code}: {self.message}"


def located(soql: str, line: int | None, column: int | None, message: str) -> str:
    """Prefix ``message`` with the query line and a caret, as Salesforce's ``ERROR at Row:R:Column:C`` does."""
    if not line or not column:
        return message
    lines = soql.splitlines() or [""]
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    return f"\n{text}\n{' ' * (column - 1)}^\nERROR at Row:{line}:Column:{column}\n{message}"
