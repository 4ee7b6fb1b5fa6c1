"""boto3 clients for one region and an optional endpoint (moto, LocalStack), from the usual chain.

Credentials and the default region come from boto3's own chain (environment, shared config and
credentials files, SSO, instance or task role); nothing here reads or stores a secret.
"""

from __future__ import annotations

from typing import Any, Optional

import boto3
import botocore.config
import botocore.exceptions
import botocore.parsers

from operations.errors import RunbookError

# Shows in CloudTrail's userAgent, so calls made by the runbooks can be told apart.
_USER_AGENT = "rdsplatform-operations"

# A region that may be down (a DR promotion reads its source's region) must not hold the run for
# minutes: botocore waits 60 s to connect and 60 s to read by default (botocore Config reference,
# https://botocore.amazonaws.com/v1/documentation/api/latest/reference/config.html: connect_timeout,
# read_timeout "The default is 60 seconds") and standard retry mode makes 3 attempts (boto3 guide
# "Retries", https://boto3.amazonaws.com/v1/documentation/api/latest/guide/retries.html). Calls to such
# a region get a 3 s connect timeout, a 10 s read timeout and 2 attempts in all (`total_max_attempts`
# "includes the initial request").
MAY_BE_DOWN = {"connect_timeout": 3, "read_timeout": 10, "retries": {"mode": "standard", "total_max_attempts": 2}}


class Clients:
    """Cached boto3 clients; `region` None means the region of the boto3 chain."""

    def __init__(self, region: Optional[str], endpoint_url: Optional[str]):
        self.session = boto3.session.Session(region_name=region)
        self.region = self.session.region_name
        if not self.region:
            raise RunbookError("no AWS region: pass --region or set AWS_REGION / AWS_DEFAULT_REGION")
        self.endpoint_url = endpoint_url
        self.last_operation = "?"
        self._cache: dict[tuple[str, str, bool], Any] = {}

    def client(self, service: str, region: Optional[str] = None, *, may_be_down: bool = False) -> Any:
        """The boto3 client of `service` in `region` (default: the run's region), made once;
        `may_be_down` for a region that may not answer: short timeouts, two attempts (MAY_BE_DOWN)."""
        key = (service, region or self.region, may_be_down)
        if key not in self._cache:
            settings = MAY_BE_DOWN if may_be_down else {"retries": {"mode": "standard"}}
            client = self.session.client(
                service, region_name=key[1], endpoint_url=self.endpoint_for(key[1]),
                config=botocore.config.Config(user_agent_extra=_USER_AGENT, **settings))
            client.meta.events.register("before-call", self._remember)
            self._cache[key] = client
        return self._cache[key]

    def endpoint_for(self, region: str) -> Optional[str]:
        """The endpoint of `region`'s calls: --endpoint-url for every region (moto and LocalStack serve them all)."""
        return self.endpoint_url

    def rds(self, region: Optional[str] = None, *, may_be_down: bool = False) -> Any:
        """The RDS client of `region` (default: the run's region)."""
        return self.client("rds", region, may_be_down=may_be_down)

    def _remember(self, model: Any = None, **_: Any) -> None:
        # The operation about to be called, so that a failure -- also an endpoint that does not
        # implement it (moto) -- is reported with the operation's name.
        if model is not None:
            self.last_operation = model.name


def describe_error(exc: Exception, operation: str) -> str:
    """One sentence for an AWS failure: the operation, AWS's code and message."""
    if isinstance(exc, botocore.exceptions.ClientError):
        err = exc.response.get("Error", {})
        code, message = err.get("Code", "?"), err.get("Message", "")
        if str(code) in ("500", "501", "InternalFailure", "NotImplemented"):
            return f"{operation}: the endpoint could not answer ({code}); it may not implement this call"
        return f"{operation} was refused: {code}: {message}"
    if isinstance(exc, botocore.parsers.ResponseParserError):
        return f"{operation}: the endpoint gave no valid answer; it may not implement this call"
    if isinstance(exc, (botocore.exceptions.NoCredentialsError, botocore.exceptions.PartialCredentialsError)):
        return "no AWS credentials found in the boto3 chain (environment, ~/.aws, SSO, instance role)"
    return f"{operation}: {exc}"


# Everything an AWS call can raise that the CLI turns into one message (a response that is not
# the API's, e.g. an endpoint's HTTP 500 page, raises ResponseParserError outside BotoCoreError).
AWS_ERRORS = (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError, botocore.parsers.ResponseParserError)


# What a region that does not answer raises: no connection (refused, timed out, no route) or a
# connection that broke or timed out while reading.
UNREACHABLE = (botocore.exceptions.ConnectionError, botocore.exceptions.HTTPClientError)


# Connection failures that do not show a region is down (a certificate, a proxy): said as they are.
_NOT_CONNECTED = (botocore.exceptions.SSLError, botocore.exceptions.ProxyConnectionError)

# The error codes standard retry mode treats as throttling (boto3 guide "Retries" -> "Standard retry
# mode", https://boto3.amazonaws.com/v1/documentation/api/latest/guide/retries.html; the same list
# as botocore.retries.standard, tests/test_operations_aws_answers.py compares them).
THROTTLING_CODES = frozenset({
    "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException", "TooManyRequestsException",
    "ProvisionedThroughputExceededException", "TransactionInProgressException", "RequestLimitExceeded",
    "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
    "EC2ThrottledException"})


def not_answering(exc: Exception) -> Optional[tuple[str, str]]:
    """(how, detail) when a region did not serve the call -- no connection, HTTP 5xx or throttling
    once the retries are spent -- else None (an answer such as AccessDenied or NotFound)."""
    if isinstance(exc, _NOT_CONNECTED):
        return "could not connect", f"{type(exc).__name__}: {exc}"
    if isinstance(exc, UNREACHABLE):
        return "unreachable", f"{type(exc).__name__}: {exc}"
    if isinstance(exc, botocore.exceptions.ClientError):
        status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
        if status >= 500 or error_code(exc) in THROTTLING_CODES:
            message = exc.response.get("Error", {}).get("Message", "")
            return "not answering", f"answered {error_code(exc) or '?'} (HTTP {status}){': ' + message if message else ''}"
    return None


def error_code(exc: Exception) -> str:
    """AWS's error code of a ClientError, '' for anything else."""
    if isinstance(exc, botocore.exceptions.ClientError):
        return str(exc.response.get("Error", {}).get("Code", ""))
    return ""
