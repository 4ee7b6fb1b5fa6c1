"""What the mock AWS provider computes on create, one entry per resource type.

Each entry takes the resource's name, region and inputs and returns its id (None: the
default `<name>-<hash>`) and the outputs a real create would add. Values are fakes with the
real shapes (ARN layouts, endpoint host names), so policies and reports see what AWS returns.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any, Callable, Optional

from pulumi.runtime import rpc

ACCOUNT_ID = "123456789012"
# What the mock engine hands back for secret outputs (passwords). Tests look for it in plain text.
MOCK_SECRET_VALUE = "mock-secret-value-Zq8!"

Computed = tuple[Optional[str], dict[str, Any]]


def fake_id(*parts: str, length: int = 17) -> str:
    """A stable hex id derived from `parts`."""
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:length]


def _prefixed(prefix: str) -> Callable[[str, str, dict[str, Any]], Computed]:
    return lambda name, region, inputs: (f"{prefix}-{fake_id(name)}", {})


def _named(default: Optional[str] = None) -> Callable[[str, str, dict[str, Any]], Computed]:
    """The provider's `name` output: the input, else `default` (else the resource name)."""
    return lambda name, region, inputs: (None, {"name": inputs.get("name", default or name)})


def _kms_key(name: str, region: str, inputs: dict[str, Any], key_id: Optional[str] = None) -> Computed:
    """A key's ID and ARN; an imported key (the import option) keeps the ID it is imported by."""
    key_id = key_id or fake_id(name, length=32)
    return key_id, {"arn": f"arn:aws:kms:{region}:{ACCOUNT_ID}:key/{key_id}", "keyId": key_id}


def _master_user_secrets(inputs: dict[str, Any], region: str, kind: str, identifier: str) -> dict[str, Any]:
    """RDS-managed master password: the secret RDS creates (rds!db-… / rds!cluster-…)."""
    if not inputs.get("manageMasterUserPassword"):
        return {}
    return {"masterUserSecrets": [{
        "secretArn": f"arn:aws:secretsmanager:{region}:{ACCOUNT_ID}:secret:rds!{kind}-{identifier}",
        "kmsKeyId": inputs.get("masterUserSecretKmsKeyId"), "secretStatus": "active"}]}


def _db_instance(name: str, region: str, inputs: dict[str, Any]) -> Computed:
    identifier = inputs.get("identifier", name)
    port = int(inputs.get("port", 5432))
    address = f"{identifier}.c0ffee.{region}.rds.amazonaws.com"
    return identifier, {
        "arn": f"arn:aws:rds:{region}:{ACCOUNT_ID}:db:{identifier}", "address": address,
        "endpoint": f"{address}:{port}", "port": port,
        "resourceId": f"db-{fake_id(identifier, length=26).upper()}",
        **_master_user_secrets(inputs, region, "db", identifier),
    }


def _db_cluster(name: str, region: str, inputs: dict[str, Any]) -> Computed:
    identifier = inputs.get("clusterIdentifier", name)
    return identifier, {
        "arn": f"arn:aws:rds:{region}:{ACCOUNT_ID}:cluster:{identifier}",
        "endpoint": f"{identifier}.cluster-c0ffee.{region}.rds.amazonaws.com",
        "readerEndpoint": f"{identifier}.cluster-ro-c0ffee.{region}.rds.amazonaws.com",
        "port": int(inputs.get("port", 5432)),
        **_master_user_secrets(inputs, region, "cluster", identifier),
    }


def _db_proxy(name: str, region: str, inputs: dict[str, Any]) -> Computed:
    proxy = inputs.get("name", name)
    return proxy, {"arn": f"arn:aws:rds:{region}:{ACCOUNT_ID}:db-proxy:prx-{fake_id(proxy)}",
                   "endpoint": f"{proxy}.proxy-c0ffee.{region}.rds.amazonaws.com"}


def _random_password(name: str, region: str, inputs: dict[str, Any]) -> Computed:
    # The engine marks these outputs secret (pulumi-random lists them as secret).
    return None, {"result": rpc.wrap_rpc_secret(MOCK_SECRET_VALUE),
                  "bcryptHash": rpc.wrap_rpc_secret("$2a$10$mockmockmockmockmockmo")}


def _random_id(name: str, region: str, inputs: dict[str, Any]) -> Computed:
    # The provider draws byteLength random bytes on create; a fake derived from the name and the
    # keepers is stable across plans and changes with the keepers, as a replacement would.
    length = int(inputs.get("byteLength", 4))
    hex_ = fake_id(name, json.dumps(inputs.get("keepers") or {}, sort_keys=True), length=2 * length)
    raw = bytes.fromhex(hex_)
    return base64.urlsafe_b64encode(raw).decode().rstrip("="), {
        "hex": hex_, "dec": str(int(hex_, 16)), "b64Url": base64.urlsafe_b64encode(raw).decode().rstrip("="),
        "b64Std": base64.b64encode(raw).decode()}


COMPUTED: dict[str, Callable[[str, str, dict[str, Any]], Computed]] = {
    "aws:kms/key:Key": _kms_key,
    "aws:ec2/securityGroup:SecurityGroup": _prefixed("sg"),
    "aws:ec2/vpc:Vpc": _prefixed("vpc"),
    "aws:ec2/subnet:Subnet": _prefixed("subnet"),
    "aws:rds/subnetGroup:SubnetGroup": _named(),
    "aws:rds/parameterGroup:ParameterGroup": _named(),
    "aws:rds/clusterParameterGroup:ClusterParameterGroup": _named(),
    "aws:iam/role:Role": lambda name, region, inputs: (
        None, {"arn": f"arn:aws:iam::{ACCOUNT_ID}:role/{name}", "name": name}),
    "aws:secretsmanager/secret:Secret": lambda name, region, inputs: (
        None, {"arn": f"arn:aws:secretsmanager:{region}:{ACCOUNT_ID}:secret:{name}-AbCdEf"}),
    "aws:rds/instance:Instance": _db_instance,
    "aws:rds/cluster:Cluster": _db_cluster,
    "aws:rds/proxy:Proxy": _db_proxy,
    "aws:rds/proxyDefaultTargetGroup:ProxyDefaultTargetGroup": _named("default"),
    "aws:sns/topic:Topic": lambda name, region, inputs: (
        None, {"arn": f"arn:aws:sns:{region}:{ACCOUNT_ID}:{inputs.get('name', name)}"}),
    "aws:cloudwatch/dashboard:Dashboard": lambda name, region, inputs: (
        None, {"dashboardArn": f"arn:aws:cloudwatch::{ACCOUNT_ID}:dashboard/{inputs.get('dashboardName')}"}),
    "random:index/randomPassword:RandomPassword": _random_password,
    "random:index/randomId:RandomId": _random_id,
}


# Types whose outputs AWS derives from the resource's ID: an import (the import option) computes
# them from the ID it is imported by (a key's ARN ends in its key ID). Any other imported type
# computes its outputs as a create does.
IMPORTED: dict[str, Callable[[str, str, dict[str, Any], str], Computed]] = {
    "aws:kms/key:Key": _kms_key,
}


def computed(token: str, name: str, region: str, inputs: dict[str, Any], imported: Optional[str] = None) -> Computed:
    """The id and computed outputs of a create of `token` (nothing extra for unlisted types), or of
    an import by the ID `imported` (outputs derived from that ID, where AWS derives them from it)."""
    if imported and token in IMPORTED:
        return IMPORTED[token](name, region, inputs, imported)
    entry = COMPUTED.get(token)
    return entry(name, region, inputs) if entry else (None, {})
