"""Deployability across resources: an encrypted SNS topic's key and the services that publish to it.

The rule itself (name, fix, source, place in the order) is in deployability_stack.py.
"""

from __future__ import annotations

import json
from fnmatch import fnmatchcase
from typing import Any, Optional, Sequence

from rds_guardrails.rule import Problem, Resource
from rds_guardrails.values import AWS_MANAGED_ALIASES, UNKNOWN, get, items


# SNS Developer Guide, 'Key management', Enable compatibility between event sources from AWS
# services and encrypted topics: the key policy grants the publishing service principal
# kms:GenerateDataKey* and kms:Decrypt (Amazon CloudWatch: cloudwatch.amazonaws.com, Amazon RDS:
# events.rds.amazonaws.com); the AWS-managed alias/aws/sns key's policy cannot be changed.
NEEDED_ACTIONS = ("kms:generatedatakey", "kms:decrypt")  # what SNS calls; IAM actions ignore case


def topic_publishers(resources: Sequence[Resource]) -> Optional[dict[str, set[str]]]:
    """Topic ARN -> the service principals that publish to it; None when a target is not known."""
    found: dict[str, set[str]] = {}
    for r in resources:
        if r.type == "aws:rds/eventSubscription:EventSubscription":
            targets, service = [get(r.props, "snsTopic")], "events.rds.amazonaws.com"
        elif r.type == "aws:cloudwatch/metricAlarm:MetricAlarm":
            service = "cloudwatch.amazonaws.com"
            targets = [a for k in ("alarmActions", "okActions", "insufficientDataActions") for a in
                       ([UNKNOWN] if get(r.props, k) is UNKNOWN else items(get(r.props, k)))]
        else:
            continue
        if UNKNOWN in targets:
            return None
        for arn in targets:
            if isinstance(arn, str):
                found.setdefault(arn, set()).add(service)
    return found


def grants(policy: Any, service: str) -> Optional[bool]:
    """Whether a key policy lets `service` GenerateDataKey* and Decrypt; None if unreadable."""
    try:
        statements = json.loads(policy).get("Statement", []) if isinstance(policy, str) else None
    except (ValueError, AttributeError):
        return None
    if statements is None:
        return None
    allowed = set()
    for st in statements if isinstance(statements, list) else [statements]:
        principal = st.get("Principal")
        services = principal.get("Service", []) if isinstance(principal, dict) else []
        anyone = (principal == "*" or (isinstance(principal, dict) and principal.get("AWS") == "*")) \
            and not st.get("Condition")
        if st.get("Effect") != "Allow" or not (anyone or service in ([services] if isinstance(services, str)
                                                                         else services)):
            continue
        actions = st.get("Action", [])
        actions = [actions] if isinstance(actions, str) else actions
        allowed |= {a for a in NEEDED_ACTIONS if any(fnmatchcase(a, str(x).lower()) for x in actions)}
    return allowed == set(NEEDED_ACTIONS)


def topic_keys(resources: Sequence[Resource], _config: dict[str, Any]) -> list[Problem]:
    publishers = topic_publishers(resources)
    if publishers is None:
        return []
    keys: dict[Any, Resource] = {}
    for r in resources:
        if r.type == "aws:kms/key:Key":
            for k in ("arn", "keyId", "id"):
                if isinstance(get(r.props, k), str):
                    keys[get(r.props, k)] = r
    aliases = {get(r.props, "name"): get(r.props, "targetKeyId") for r in resources if r.type == "aws:kms/alias:Alias"}
    found = []
    for topic in resources:
        needed = publishers.get(get(topic.props, "arn")) if topic.type == "aws:sns/topic:Topic" else None
        key = get(topic.props, "kmsMasterKeyId")
        if not needed or not isinstance(key, str) or not key:
            continue
        if AWS_MANAGED_ALIASES.search(key):
            found.append(Problem(topic, f"{' and '.join(sorted(needed))} publish to it, but the AWS-managed key "
                                        f"'{key}' cannot grant them its use (kmsMasterKeyId)"))
            continue
        name = key.split(":", 5)[-1] if key.startswith("arn:") and ":alias/" in key else key
        owner = keys.get(key) or keys.get(aliases.get(name))
        if owner is None:
            continue  # a key outside the stack: no verdict
        # Unset: the default key policy, which lets only the account's IAM principals use the key.
        policy = get(owner.props, "policy") or json.dumps({"Statement": []})
        missing = [s for s in sorted(needed) if grants(policy, s) is False]
        if missing:
            found.append(Problem(topic, f"its key '{owner.name}' does not let {' and '.join(missing)} use it "
                                        "(kms:GenerateDataKey* and kms:Decrypt), so their messages are not delivered",
                                 f"add a key policy statement allowing {', '.join(missing)} kms:GenerateDataKey* "
                                 "and kms:Decrypt"))
    return found
