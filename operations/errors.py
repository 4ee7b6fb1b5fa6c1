"""The one error a runbook raises to stop: bad input, a refusal, or an AWS call that failed."""


class RunbookError(Exception):
    """Stop with exit code 2 and this message (no traceback)."""
