"""A synthetic fleet of AWS resources for the throughput benchmark: realistic shapes, mixed
compliance, as another team's large stack would send them."""

from __future__ import annotations

from typing import Any

from plan.registration import Registration

KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def _instance(i: int) -> dict[str, Any]:
    return {"region": "eu-west-1", "identifier": f"db{i}", "engine": "postgres", "storageEncrypted": i % 7 != 0,
            "kmsKeyId": KEY, "publiclyAccessible": i % 11 == 0, "dbSubnetGroupName": "private",
            "deletionProtection": True, "skipFinalSnapshot": False, "deleteAutomatedBackups": False,
            "backupRetentionPeriod": 7 if i % 5 else 1, "multiAz": True, "monitoringInterval": 60,
            "monitoringRoleArn": "arn:aws:iam::123456789012:role/mon", "performanceInsightsEnabled": True,
            "performanceInsightsKmsKeyId": KEY, "enabledCloudwatchLogsExports": ["postgresql", "upgrade"],
            "autoMinorVersionUpgrade": True, "copyTagsToSnapshot": True,
            "iamDatabaseAuthenticationEnabled": True, "username": "dbadmin", "manageMasterUserPassword": True,
            "masterUserSecretKmsKeyId": KEY, "tags": {"Owner": "team", "Environment": "prod"}}


SHAPES = [
    ("aws:rds/instance:Instance", _instance),
    ("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
     lambda i: {"ipProtocol": "tcp", "fromPort": 5432, "toPort": 5432,
                "cidrIpv4": "0.0.0.0/0" if i % 13 == 0 else "10.0.0.0/8"}),
    ("aws:ec2/securityGroup:SecurityGroup",
     lambda i: {"ingress": [{"protocol": "tcp", "fromPort": 443, "toPort": 443, "cidrBlocks": ["0.0.0.0/0"]}]}),
    ("aws:kms/key:Key", lambda i: {"enableKeyRotation": i % 3 != 0}),
    ("aws:cloudwatch/logGroup:LogGroup", lambda i: {"retentionInDays": 365 if i % 2 else 7}),
    ("aws:s3/bucket:Bucket", lambda i: {"bucket": f"b{i}"}),  # not ours: every policy skips it
    ("aws:sns/topic:Topic", lambda i: {"kmsMasterKeyId": KEY if i % 2 else "alias/aws/sns"}),
    ("aws:secretsmanager/secret:Secret", lambda i: {"kmsKeyId": KEY, "recoveryWindowInDays": 30}),
]


def synthetic_fleet(size: int) -> list[Registration]:
    fleet = []
    for i in range(size):
        type_, shape = SHAPES[i % len(SHAPES)]
        name = f"r{i}"
        fleet.append(Registration(urn=f"urn:pulumi:bench::fleet::{type_}::{name}", type=type_, name=name,
                                  custom=True, parent="", provider="", inputs=shape(i),
                                  options={"protect": True}))
    return fleet
