"""`make ops-demo`: a local moto server, a seeded estate, and every runbook as a user runs it.

The estate (also the test suite's, tests/test_operations.py), in eu-west-1: a compliant
PostgreSQL primary `appdb-prod` (generated credentials in a rotated secret) with a same-region
replica and a cross-region one (`appdb-prod-dr`, eu-central-1); `billing-prod`, whose master
password RDS manages; a non-compliant single-AZ MySQL `legacy-mysql` (public, unencrypted,
default parameter group, a publicly shared snapshot); an Aurora cluster `orders` with a writer
and a reader, primary of the global database `orders-global` (secondary `orders-dr` in
eu-central-1); a KMS key and its DR twin; a week of CloudWatch datapoints per instance.
"""

from __future__ import annotations

import datetime
import json
import logging
import os
import secrets
import shlex
import socket
import subprocess
import sys
import threading
from typing import Any

import boto3

REGION, DR_REGION = "eu-west-1", "eu-central-1"
FAKE_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}  # moto accepts any
PROD_TAGS = {"Environment": "prod", "Owner": "platform-team", "Project": "rdsplatform", "ManagedBy": "pulumi"}


def free_port() -> int:
    """A free TCP port on the loopback address."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _client(endpoint: str, service: str, region: str = REGION) -> Any:
    return boto3.client(service, region_name=region, endpoint_url=endpoint, **{
        "aws_access_key_id": "testing", "aws_secret_access_key": "testing"})


def _tags(tags: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def _private_network(endpoint: str, region: str, cidr: str, name: str) -> tuple[Any, str, str]:
    """A VPC with two private subnets, a DB subnet group `name` and a security group open to the VPC."""
    ec2 = _client(endpoint, "ec2", region)
    vpc = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=cidr.replace(".0.0/16", f".{i}.0/24"),
                                 AvailabilityZone=f"{region}{az}")["Subnet"]["SubnetId"] for i, az in enumerate("ab")]
    _client(endpoint, "rds", region).create_db_subnet_group(
        DBSubnetGroupName=name, DBSubnetGroupDescription="private subnets", SubnetIds=subnets)
    group = ec2.create_security_group(GroupName=f"{name}-db", Description="db", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "IpRanges": [{"CidrIp": cidr}]}])
    return ec2, vpc, group


def _network(endpoint: str) -> dict[str, Any]:
    ec2, vpc, private = _private_network(endpoint, REGION, "10.60.0.0/16", "appdb-prod")
    public = ec2.create_security_group(GroupName="legacy-open", Description="open", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=public, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 3306, "ToPort": 3306, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    _, _, dr = _private_network(endpoint, DR_REGION, "10.61.0.0/16", "appdb-prod-dr")
    return {"private_sg": private, "public_sg": public, "dr_sg": dr}


def _keys(endpoint: str) -> dict[str, Any]:
    kms = _client(endpoint, "kms")
    key = kms.create_key(Description="appdb-prod")["KeyMetadata"]["Arn"]
    kms.enable_key_rotation(KeyId=key)
    kms.create_alias(AliasName="alias/appdb-prod", TargetKeyId=key)
    dr = _client(endpoint, "kms", DR_REGION).create_key(Description="appdb-prod DR")["KeyMetadata"]["Arn"]
    return {"key": key, "dr_key": dr}


def _metrics(endpoint: str, instance: str, cpu: float, connections: float, free_gib: float,
             now: datetime.datetime) -> None:
    """A week of datapoints, hourly for the last day and every 4 hours before (CPU varies around `cpu`)."""
    cw = _client(endpoint, "cloudwatch")
    points = []
    for hour in [*range(1, 24), *range(24, 7 * 24, 4)]:
        at = now - datetime.timedelta(hours=hour)
        wave = min(99.0, cpu * (0.85 + 0.3 * ((hour % 24) / 23)))
        dims = [{"Name": "DBInstanceIdentifier", "Value": instance}]
        points += [
            {"MetricName": "CPUUtilization", "Dimensions": dims, "Timestamp": at, "Value": round(wave, 2), "Unit": "Percent"},
            {"MetricName": "DatabaseConnections", "Dimensions": dims, "Timestamp": at, "Value": connections, "Unit": "Count"},
            {"MetricName": "FreeableMemory", "Dimensions": dims, "Timestamp": at, "Value": free_gib * 2**30, "Unit": "Bytes"},
            {"MetricName": "FreeStorageSpace", "Dimensions": dims, "Timestamp": at, "Value": 3.0e11 - hour * 1e7, "Unit": "Bytes"},
            {"MetricName": "ReadLatency", "Dimensions": dims, "Timestamp": at, "Value": 0.002, "Unit": "Seconds"},
            {"MetricName": "WriteLatency", "Dimensions": dims, "Timestamp": at, "Value": 0.004, "Unit": "Seconds"},
        ]
    for i in range(0, len(points), 500):
        cw.put_metric_data(Namespace="AWS/RDS", MetricData=points[i:i + 500])


def _program_secret(endpoint: str, key: str, password: str) -> str:
    """The secret a `credentialsMode: generated` stack keeps (the primary has replicas, and RDS
    manages no master password of a replica's source), with a 30-day rotation schedule."""
    sm = _client(endpoint, "secretsmanager")
    arn: str = sm.create_secret(Name="appdb-prod-credentials", KmsKeyId=key, Tags=_tags(PROD_TAGS),
                           SecretString=json.dumps({"username": "dbadmin", "password": password}))["ARN"]
    # moto: a schedule without a rotation function (invoking one needs Docker); AWS needs the function.
    sm.rotate_secret(SecretId=arn, RotationRules={"AutomaticallyAfterDays": 30}, RotateImmediately=False)
    return arn


def seed(endpoint: str) -> dict[str, Any]:
    """Create the estate; returns the identifiers the demo and the tests use."""
    rds = _client(endpoint, "rds")
    net, keys = _network(endpoint), _keys(endpoint)
    password = secrets.token_urlsafe(24)  # made here, kept only in the secret
    program_secret = _program_secret(endpoint, keys["key"], password)
    rds.create_db_parameter_group(DBParameterGroupName="appdb-prod-tls", DBParameterGroupFamily="postgres16",
                                  Description="TLS forced")
    rds.modify_db_parameter_group(DBParameterGroupName="appdb-prod-tls", Parameters=[
        {"ParameterName": "rds.force_ssl", "ParameterValue": "1", "ApplyMethod": "pending-reboot"}])
    rds.create_db_instance(
        DBInstanceIdentifier="appdb-prod", DBInstanceClass="db.r6g.xlarge", Engine="postgres", EngineVersion="16.4",
        MasterUsername="dbadmin", MasterUserPassword=password,
        AllocatedStorage=400, StorageType="gp3", StorageEncrypted=True, KmsKeyId=keys["key"], MultiAZ=True,
        DBSubnetGroupName="appdb-prod", VpcSecurityGroupIds=[net["private_sg"]], DBParameterGroupName="appdb-prod-tls",
        BackupRetentionPeriod=14, DeletionProtection=True, EnableIAMDatabaseAuthentication=True, CopyTagsToSnapshot=True,
        MonitoringInterval=60, MonitoringRoleArn="arn:aws:iam::123456789012:role/appdb-prod-monitoring",
        EnablePerformanceInsights=True, PerformanceInsightsKMSKeyId=keys["key"], PubliclyAccessible=False,
        EnableCloudwatchLogsExports=["postgresql", "upgrade"], AutoMinorVersionUpgrade=True, Tags=_tags(PROD_TAGS))
    rds.create_db_instance_read_replica(
        DBInstanceIdentifier="appdb-prod-reporting", SourceDBInstanceIdentifier="appdb-prod",
        DBInstanceClass="db.r6g.xlarge", PubliclyAccessible=False,
        Tags=_tags({**PROD_TAGS, "ReplicaOf": "appdb-prod"}))
    dr = _client(endpoint, "rds", DR_REGION)
    dr.create_db_parameter_group(DBParameterGroupName="appdb-prod-dr-tls", DBParameterGroupFamily="postgres16",
                                 Description="TLS forced")
    dr.modify_db_parameter_group(DBParameterGroupName="appdb-prod-dr-tls", Parameters=[
        {"ParameterName": "rds.force_ssl", "ParameterValue": "1", "ApplyMethod": "pending-reboot"}])
    dr.create_db_instance_read_replica(
        DBInstanceIdentifier="appdb-prod-dr", SourceDBInstanceIdentifier=f"arn:aws:rds:{REGION}:123456789012:db:appdb-prod",
        DBInstanceClass="db.r6g.xlarge", KmsKeyId=keys["dr_key"], PubliclyAccessible=False,
        DBParameterGroupName="appdb-prod-dr-tls", VpcSecurityGroupIds=[net["dr_sg"]],  # moto: no DR subnet group (it looks in the source region)
        Tags=_tags({**PROD_TAGS, "ReplicaOf": "appdb-prod"}))
    rds.create_db_instance(
        DBInstanceIdentifier="legacy-mysql", DBInstanceClass="db.m5.large", Engine="mysql", EngineVersion="8.0.35",
        MasterUsername="admin", MasterUserPassword=secrets.token_urlsafe(24), AllocatedStorage=100, StorageType="gp2",
        MultiAZ=False, PubliclyAccessible=True, VpcSecurityGroupIds=[net["public_sg"]], BackupRetentionPeriod=1,
        Tags=_tags({"Environment": "legacy"}))
    # A standalone database whose master password RDS manages, in a secret under the stack's key.
    rds.create_db_instance(
        DBInstanceIdentifier="billing-prod", DBInstanceClass="db.t4g.medium", Engine="postgres", EngineVersion="16.4",
        MasterUsername="dbadmin", ManageMasterUserPassword=True, MasterUserSecretKmsKeyId=keys["key"],
        AllocatedStorage=20, StorageType="gp3", StorageEncrypted=True, KmsKeyId=keys["key"], MultiAZ=True,
        DBSubnetGroupName="appdb-prod", VpcSecurityGroupIds=[net["private_sg"]], DBParameterGroupName="appdb-prod-tls",
        BackupRetentionPeriod=14, DeletionProtection=True, PubliclyAccessible=False, Tags=_tags(PROD_TAGS))
    rds.create_db_snapshot(DBInstanceIdentifier="legacy-mysql", DBSnapshotIdentifier="legacy-mysql-before-upgrade")
    rds.modify_db_snapshot_attribute(DBSnapshotIdentifier="legacy-mysql-before-upgrade", AttributeName="restore",
                                     ValuesToAdd=["all"])
    rds.create_global_cluster(GlobalClusterIdentifier="orders-global", Engine="aurora-postgresql")
    rds.create_db_cluster(DBClusterIdentifier="orders", Engine="aurora-postgresql", MasterUsername="dbadmin",
                          MasterUserPassword=secrets.token_urlsafe(24), StorageEncrypted=True, KmsKeyId=keys["key"],
                          DBSubnetGroupName="appdb-prod", BackupRetentionPeriod=7, DeletionProtection=True,
                          GlobalClusterIdentifier="orders-global", Tags=_tags(PROD_TAGS))
    _client(endpoint, "rds", DR_REGION).create_db_cluster(
        DBClusterIdentifier="orders-dr", Engine="aurora-postgresql", GlobalClusterIdentifier="orders-global",
        StorageEncrypted=True, KmsKeyId=keys["dr_key"], Tags=_tags({**PROD_TAGS, "ReplicaOf": "orders"}))
    for name in ("orders-1", "orders-2"):
        rds.create_db_instance(DBInstanceIdentifier=name, DBClusterIdentifier="orders", Engine="aurora-postgresql",
                               DBInstanceClass="db.r6g.large", Tags=_tags(PROD_TAGS))
    now = datetime.datetime.now(datetime.timezone.utc)
    _metrics(endpoint, "appdb-prod", cpu=12.0, connections=40, free_gib=24, now=now)
    _metrics(endpoint, "appdb-prod-reporting", cpu=85.0, connections=60, free_gib=6, now=now)
    _metrics(endpoint, "legacy-mysql", cpu=0.5, connections=0, free_gib=6, now=now)
    return {**net, **keys, "program_secret": program_secret}


def _commands(keys: dict[str, Any]) -> list[str]:
    """What the demo runs, in order (the estate changes as it goes)."""
    return [
        "audit --policy-config policies/config/prod.json",
        "snapshot --db-instance appdb-prod --copy-to-region eu-central-1 --kms-key-id " + keys["dr_key"],
        "restore-drill --db-instance appdb-prod --confirm appdb-prod",
        "restore-drill --db-cluster orders --confirm orders",
        "failover-drill --db-instance legacy-mysql --confirm legacy-mysql",
        # moto records no failover event and keeps the primary's AZ: "failover not confirmed", exit 1.
        "failover-drill --db-instance appdb-prod --confirm appdb-prod",
        "failover-drill --db-cluster orders --confirm orders",
        "metrics --db-instance appdb-prod --hours 24",
        "rightsizing --days 7",
        # legacy-mysql's MySQL 8.0 is past its end of standard support: exit 1.
        "upgrade-check",
        # the seeded secret holds only username and password: host, port and engine are written.
        f"sync-connection --db-instance appdb-prod --confirm appdb-prod --secret-id {keys['program_secret']}",
        "rotate-credentials --db-instance billing-prod --confirm billing-prod",
        f"rotate-credentials --db-instance appdb-prod --confirm appdb-prod --secret-id {keys['program_secret']}",
        # moto never clears the replica's source after PromoteReadReplica: not confirmed, exit 1.
        "promote-replica --db-instance appdb-prod-reporting --confirm appdb-prod-reporting --wait-timeout 3",
        # moto does not implement SwitchoverGlobalCluster: reported as such, exit 2.
        f"promote-replica --db-cluster orders-dr --confirm orders-dr --region {DR_REGION}",
    ]


def publish_replica_lag(endpoint: str, seconds: float = 0.0) -> list[str]:
    """Stand in for RDS, which publishes ReplicaLag for a green primary (moto does not): one
    datapoint a few seconds old for the green instance of every blue/green deployment."""
    rds, cloudwatch = _client(endpoint, "rds"), _client(endpoint, "cloudwatch")
    green = []
    for deployment in rds.describe_blue_green_deployments()["BlueGreenDeployments"]:
        if deployment.get("Status") != "AVAILABLE" or ":cluster:" in deployment.get("Target", ""):
            continue
        green.append(deployment["Target"].split(":")[-1])
    at = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=5)
    for name in green:
        cloudwatch.put_metric_data(Namespace="AWS/RDS", MetricData=[{
            "MetricName": "ReplicaLag", "Dimensions": [{"Name": "DBInstanceIdentifier", "Value": name}],
            "Timestamp": at, "Value": seconds, "Unit": "Seconds"}])
    return green


def _deployment_of(endpoint: str, source: str) -> str:
    """The identifier of the newest blue/green deployment of instance `source`."""
    found = [d for d in _client(endpoint, "rds").describe_blue_green_deployments()["BlueGreenDeployments"]
             if d.get("Source", "").split(":")[-1] in (source, f"{source}-old1")]
    return max(found, key=lambda d: d["CreateTime"])["BlueGreenDeploymentIdentifier"] if found else "bgd-none"


def _blue_green_flow() -> list[Any]:
    """The gated blue/green path on legacy-mysql (MySQL 8.0 -> 8.4), one call per decision."""
    lag = lambda endpoint: print(  # noqa: E731
        f"(demo: publishing ReplicaLag 0 s for {', '.join(publish_replica_lag(endpoint))}, as RDS does for green)\n")
    return [
        # A cross-Region read replica: refused before anything is created, exit 2.
        "blue-green --db-instance appdb-prod --engine-version 17.2 --confirm appdb-prod",
        # Green is created and available; no ReplicaLag yet, so the run stops with a failed check, exit 1.
        "blue-green --db-instance legacy-mysql --engine-version 8.4.3 --confirm legacy-mysql",
        lag,
        "blue-green --deployment {deployment}",
        "blue-green --deployment {deployment} --switchover --confirm legacy-mysql",
        "blue-green --deployment {deployment} --delete-old --confirm legacy-mysql-old1",
    ]


def _run_all(endpoint: str, keys: dict[str, Any]) -> None:
    env = {**os.environ, **FAKE_CREDENTIALS, "OPS_POLL_SECONDS": "0.2", "COLUMNS": os.environ.get("COLUMNS", "150")}
    for step in [*_commands(keys), *_blue_green_flow()]:
        if callable(step):
            step(endpoint)
            continue
        command = step.format(deployment=_deployment_of(endpoint, "legacy-mysql")) if "{" in step else step
        region = [] if "--region" in command else ["--region", REGION]
        argv = [sys.executable, "-m", __package__, *shlex.split(command), *region, "--endpoint-url", endpoint]
        # Bold only on a terminal: a log file or a pipe gets no escape codes.
        heading = f"$ python -m operations {command}"
        print(f"\033[1m{heading}\033[0m" if sys.stdout.isatty() else heading, flush=True)
        code = subprocess.run(argv, env=env).returncode
        print(f"(exit {code})\n", flush=True)


def main(argv: list[str] | None = None) -> int:
    """Start moto and seed the estate; then run every runbook as a user would (default), or serve
    it until interrupted (`serve`); `replica-lag --endpoint-url URL` publishes green's ReplicaLag."""
    import argparse

    top = argparse.ArgumentParser(prog=f"python -m {__package__}.demo", description=main.__doc__)
    top.add_argument("mode", nargs="?", choices=["run", "serve", "replica-lag"], default="run")
    top.add_argument("--port", type=int, default=0, help="serve: the loopback port (default: a free one)")
    top.add_argument("--endpoint-url", help="replica-lag: the demo server's URL")
    args = top.parse_args(argv)
    os.environ.update(FAKE_CREDENTIALS)
    if args.mode == "replica-lag":
        if not args.endpoint_url:
            top.error("replica-lag needs --endpoint-url (the URL `serve` printed)")
        green = publish_replica_lag(args.endpoint_url)
        print(f"ReplicaLag 0 s published for: {', '.join(green) or 'no available deployment'}")
        return 0

    from operations import demo_server  # moto: a test/demo dependency, not a runtime one

    logging.getLogger("werkzeug").setLevel(logging.CRITICAL)  # no request log or moto stack trace between the runbooks' output
    port = args.port or free_port()
    server = demo_server.server("127.0.0.1", port)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    try:
        keys = seed(endpoint)
        if args.mode == "serve":
            print(f"moto server with the demo estate on {endpoint}; Ctrl-C stops it. In another shell:\n"
                  f"  export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing OPS_POLL_SECONDS=0.2\n"
                  f"  python -m operations audit --region {REGION} --endpoint-url {endpoint}", flush=True)
            try:
                threading.Event().wait()
            except KeyboardInterrupt:
                pass
            return 0
        print(f"moto server on {endpoint}, seeded: appdb-prod (+ replica), legacy-mysql, Aurora cluster orders\n"
              "(moto answers at once, records no failover event, keeps an instance's AZ on failover and lacks\n"
              " the global database calls: times below are ~0, the instance failover stays unconfirmed and two\n"
              " runs end as they would against an endpoint without those calls)\n")
        _run_all(endpoint, keys)
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
