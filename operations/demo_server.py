"""The demo's (and the tests') moto server, with recorded answers for two RDS calls moto 5.2.5 lacks.

moto does not implement DescribeDBEngineVersions or DescribePendingMaintenanceActions (HTTP 500).
The blue-green and upgrade-check runbooks read both, so this server answers them from `Recorded`
(the engine versions and upgrade targets below, shaped as the RDS API answers them; pending
maintenance actions that a test sets) and passes every other call to moto. The answers are
serialized from botocore's own RDS model, so a field the API does not have cannot appear.
moto also gives every DB instance the same DbiResourceId; RDS's is unique per instance ("AWS
Region-unique, immutable"), and the blue-green runbook tells databases apart by it, so each
instance gets one of its own here.
"""

from __future__ import annotations

import base64
import io
import os
import urllib.parse
import uuid
import xml.sax.saxutils
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

import botocore.session

# Engine versions as DescribeDBEngineVersions returns them (a subset of the fields; the targets are
# a sample of what RDS lists, for the demo estate's engines and versions).
ENGINE_VERSIONS: list[dict[str, Any]] = [
    {"Engine": "postgres", "EngineVersion": "16.4", "DBParameterGroupFamily": "postgres16",
     "ValidUpgradeTarget": [
         {"Engine": "postgres", "EngineVersion": "16.6", "IsMajorVersionUpgrade": False, "AutoUpgrade": False},
         {"Engine": "postgres", "EngineVersion": "17.2", "IsMajorVersionUpgrade": True, "AutoUpgrade": False}]},
    {"Engine": "postgres", "EngineVersion": "16.6", "DBParameterGroupFamily": "postgres16",
     "ValidUpgradeTarget": [
         {"Engine": "postgres", "EngineVersion": "17.2", "IsMajorVersionUpgrade": True, "AutoUpgrade": False}]},
    {"Engine": "postgres", "EngineVersion": "17.2", "DBParameterGroupFamily": "postgres17", "ValidUpgradeTarget": []},
    {"Engine": "aurora-postgresql", "EngineVersion": "16.4", "DBParameterGroupFamily": "aurora-postgresql16",
     "ValidUpgradeTarget": [
         {"Engine": "aurora-postgresql", "EngineVersion": "16.6", "IsMajorVersionUpgrade": False, "AutoUpgrade": False},
         {"Engine": "aurora-postgresql", "EngineVersion": "17.4", "IsMajorVersionUpgrade": True, "AutoUpgrade": False}]},
    {"Engine": "aurora-postgresql", "EngineVersion": "16.6", "DBParameterGroupFamily": "aurora-postgresql16",
     "ValidUpgradeTarget": [
         {"Engine": "aurora-postgresql", "EngineVersion": "17.4", "IsMajorVersionUpgrade": True, "AutoUpgrade": False}]},
    {"Engine": "aurora-postgresql", "EngineVersion": "17.4", "DBParameterGroupFamily": "aurora-postgresql17",
     "ValidUpgradeTarget": []},
    {"Engine": "mysql", "EngineVersion": "8.0.35", "DBParameterGroupFamily": "mysql8.0",
     "ValidUpgradeTarget": [
         {"Engine": "mysql", "EngineVersion": "8.0.40", "IsMajorVersionUpgrade": False, "AutoUpgrade": False},
         {"Engine": "mysql", "EngineVersion": "8.4.3", "IsMajorVersionUpgrade": True, "AutoUpgrade": False}]},
    {"Engine": "mysql", "EngineVersion": "8.0.40", "DBParameterGroupFamily": "mysql8.0",
     "ValidUpgradeTarget": [
         {"Engine": "mysql", "EngineVersion": "8.4.3", "IsMajorVersionUpgrade": True, "AutoUpgrade": False}]},
    {"Engine": "mysql", "EngineVersion": "8.4.3", "DBParameterGroupFamily": "mysql8.4", "ValidUpgradeTarget": []},
]


@dataclass
class Recorded:
    """What the two recorded calls answer; tests may change it while the server runs."""

    engine_versions: list[dict[str, Any]] = field(default_factory=lambda: list(ENGINE_VERSIONS))
    # ResourceIdentifier (ARN) -> PendingMaintenanceActionDetails
    pending: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # Actions answered with HTTP 500, as an endpoint that fails them would.
    failing: set[str] = field(default_factory=set)

    def answer(self, action: str, params: dict[str, str]) -> dict[str, Any] | None:
        """The response of `action`, or None when moto answers it."""
        if action == "DescribeDBEngineVersions":
            found = [v for v in self.engine_versions
                     if v["Engine"] == params.get("Engine", v["Engine"])
                     and v["EngineVersion"] == params.get("EngineVersion", v["EngineVersion"])]
            return {"DBEngineVersions": found}
        if action == "DescribePendingMaintenanceActions":
            wanted = params.get("ResourceIdentifier")
            return {"PendingMaintenanceActions": [
                {"ResourceIdentifier": arn, "PendingMaintenanceActionDetails": details}
                for arn, details in self.pending.items() if details and wanted in (None, arn)]}
        return None


def _xml(shape: Any, value: Any, name: str) -> str:
    """`value` as the query protocol's XML element `name`, following botocore's shape."""
    if shape.type_name == "structure":
        inner = "".join(_xml(member, value[key], member.serialization.get("name", key))
                        for key, member in shape.members.items() if key in value)
    elif shape.type_name == "list":
        item = shape.member
        inner = "".join(_xml(item, v, item.serialization.get("name", "member")) for v in value)
    elif shape.type_name == "boolean":
        inner = "true" if value else "false"
    else:
        inner = xml.sax.saxutils.escape(str(value))
    return f"<{name}>{inner}</{name}>"


def response_xml(action: str, result: dict[str, Any]) -> bytes:
    """The RDS query-protocol response document of `action` holding `result`."""
    model = botocore.session.get_session().get_service_model("rds").operation_model(action)
    body = _xml(model.output_shape, result, f"{action}Result")
    return (f'<{action}Response xmlns="http://rds.amazonaws.com/doc/2014-10-31/">{body}'
            f"<ResponseMetadata><RequestId>{uuid.uuid4()}</RequestId></ResponseMetadata></{action}Response>").encode()


def with_recorded(app: Callable[..., Any], recorded: Recorded) -> Callable[..., Any]:
    """WSGI middleware: the recorded RDS calls answered here, every other request passed to `app`."""

    def middleware(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            raw = environ["wsgi.input"].read(length) if length else b""
            environ["wsgi.input"] = io.BytesIO(raw)  # moto reads the body again
            params = dict(urllib.parse.parse_qsl(raw.decode("utf-8", "replace")))
            if params.get("Action") in recorded.failing:
                body = b"<ErrorResponse><Error><Code>InternalFailure</Code><Message>recorded failure</Message></Error></ErrorResponse>"
                start_response("500 Internal Server Error", [("Content-Type", "text/xml"), ("Content-Length", str(len(body)))])
                return [body]
            result = recorded.answer(params.get("Action", ""), params)
            if result is not None:
                body = response_xml(params["Action"], result)
                start_response("200 OK", [("Content-Type", "text/xml"), ("Content-Length", str(len(body)))])
                return [body]
        answer: Iterable[bytes] = app(environ, start_response)
        return answer

    return middleware


def _unique_resource_ids() -> None:
    """Each moto DB instance gets a DbiResourceId of its own (db- and 26 base32 characters, as RDS's)."""
    from moto.rds import models

    original = models.DBInstance.__init__
    if getattr(original, "unique_resource_ids", False):
        return

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        self.dbi_resource_id = "db-" + base64.b32encode(os.urandom(20)).decode()[:26]

    __init__.unique_resource_ids = True  # type: ignore[attr-defined]
    models.DBInstance.__init__ = __init__  # type: ignore[method-assign]


def server(ip_address: str, port: int, recorded: Recorded | None = None) -> Any:
    """A ThreadedMotoServer whose app answers the recorded calls (moto is a demo/test dependency)."""
    _unique_resource_ids()
    from moto.moto_server.threaded_moto_server import ThreadedMotoServer
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import make_server

    class RecordedMotoServer(ThreadedMotoServer):
        recorded: Recorded

        def _server_entry(self) -> None:  # ThreadedMotoServer's own, with the app wrapped
            app = with_recorded(DomainDispatcherApplication(create_backend_app), self.recorded)
            self._server = make_server(self._ip_address, self._port, app, True, request_handler=MotoRequestHandler)
            self._server_ready_event.set()
            self._server.serve_forever()

    instance = RecordedMotoServer(ip_address=ip_address, port=port, verbose=False)
    instance.recorded = recorded or Recorded()
    return instance
