"""RDS Proxy in front of the primary: pooled, TLS-only connections through the database's secret."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Optional, Sequence

import pulumi
import pulumi_aws as aws

from components.instance_parts import service_trust_policy
from components.network import allow_clients, tcp_egress, tcp_ingress


@dataclass
class ProxyArgs:
    """Where the proxy runs, which secret it logs in with, and who may reach it."""

    name: str
    region: str
    engine_family: str
    port: int
    # The primary instance's identifier, or the cluster's (with target_is_cluster).
    target_identifier: pulumi.Input[str]
    # The master secret (RDS-managed or generated) and the key that encrypts it.
    secret_arn: pulumi.Input[str]
    kms_key_arn: pulumi.Input[str]
    vpc_id: pulumi.Input[str]
    subnet_ids: Sequence[pulumi.Input[str]]
    db_security_group_id: pulumi.Input[str]
    allowed_cidrs: Sequence[str]
    allowed_security_group_ids: Sequence[str]
    # Pool and client settings (already within RDS Proxy's limits).
    idle_client_timeout: int
    max_connections_percent: int
    max_idle_connections_percent: int
    connection_borrow_timeout: int
    # Clients authenticate with IAM tokens instead of the database password.
    iam_auth: bool
    target_is_cluster: bool = False
    # Aurora: a read-only endpoint that spreads reads over the readers.
    read_only_endpoint: bool = False
    # The isolated VPC's Secrets Manager endpoint group: the proxy may reach it over HTTPS.
    secrets_endpoint_security_group_id: Optional[pulumi.Input[str]] = None
    # Adoption (components/settings/adoption.py): the live proxy's name and its target's import ID;
    # both are registered with Pulumi's `import`. The default target group needs none: the
    # provider adopts it on create (its docstring).
    import_id: Optional[str] = None
    target_import_id: Optional[str] = None


def secret_access_policy(secret_arn: str, kms_key_arn: str, region: str) -> str:
    """What the proxy's role may do: read this one secret, and decrypt it only via Secrets Manager."""
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "ReadTheDatabaseSecret", "Effect": "Allow",
             "Action": "secretsmanager:GetSecretValue", "Resource": secret_arn},
            {"Sid": "DecryptItThroughSecretsManager", "Effect": "Allow",
             "Action": "kms:Decrypt", "Resource": kms_key_arn,
             "Condition": {"StringEquals": {"kms:ViaService": f"secretsmanager.{region}.amazonaws.com"}}},
        ],
    }, sort_keys=True)


class Proxy(pulumi.ComponentResource):
    """The proxy, its role, its security group (and both rules that connect it), its target."""

    def __init__(self, name: str, args: ProxyArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("rdsplatform:index:Proxy", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        self.role = aws.iam.Role(
            f"{name}-role",
            description=f"RDS Proxy {args.name} reads the database secret",
            assume_role_policy=service_trust_policy("rds.amazonaws.com"),
            opts=child,
        )
        aws.iam.RolePolicy(
            f"{name}-secret-access",
            role=self.role.id,
            policy=pulumi.Output.all(args.secret_arn, args.kms_key_arn).apply(
                lambda v: secret_access_policy(v[0], v[1], args.region)
            ),
            opts=child,
        )

        self.security_group = aws.ec2.SecurityGroup(
            f"{name}-sg",
            region=args.region,
            vpc_id=args.vpc_id,
            description=f"Clients of RDS Proxy {args.name}",
            revoke_rules_on_delete=True,
            opts=child,
        )
        allow_clients(name, security_group_id=self.security_group.id, port=args.port, region=args.region,
                      cidrs=args.allowed_cidrs, group_ids=args.allowed_security_group_ids,
                      what="proxy", parent=self)
        # Both directions are created here, so the proxy reaches the database on first deploy:
        # out of the proxy's group, and into the database's group, on the database port only.
        tcp_egress(f"{name}-to-database", security_group_id=self.security_group.id, port=args.port,
                   region=args.region, description="proxy to the database port", parent=self,
                   target_group_id=args.db_security_group_id)
        if args.secrets_endpoint_security_group_id is not None:
            # Whether the proxy fetches its secret through interfaces in these subnets is not
            # documented (docs/aws-rules.md, limits); if it does, this is its only way there.
            tcp_egress(f"{name}-to-secrets-manager", security_group_id=self.security_group.id, port=443,
                       region=args.region, description="proxy to the Secrets Manager endpoint", parent=self,
                       target_group_id=args.secrets_endpoint_security_group_id)
        tcp_ingress(f"{name}-into-database", security_group_id=args.db_security_group_id, port=args.port,
                    region=args.region, description=f"database port from RDS Proxy {args.name}",
                    parent=self, source_group_id=self.security_group.id)

        self.proxy = aws.rds.Proxy(
            f"{name}-proxy",
            region=args.region,
            name=args.name,
            engine_family=args.engine_family,
            role_arn=self.role.arn,
            vpc_subnet_ids=list(args.subnet_ids),
            vpc_security_group_ids=[self.security_group.id],
            require_tls=True,
            idle_client_timeout=args.idle_client_timeout,
            # Debug logging writes SQL text, and so data, to the logs.
            debug_logging=False,
            auths=[aws.rds.ProxyAuthArgs(
                auth_scheme="SECRETS",
                secret_arn=args.secret_arn,
                iam_auth="REQUIRED" if args.iam_auth else "DISABLED",
                description="master credentials from the database's secret",
            )],
            opts=child.merge(pulumi.ResourceOptions(import_=args.import_id)) if args.import_id else child,
        )
        self.target_group = aws.rds.ProxyDefaultTargetGroup(
            f"{name}-pool",
            region=args.region,
            db_proxy_name=self.proxy.name,
            connection_pool_config=aws.rds.ProxyDefaultTargetGroupConnectionPoolConfigArgs(
                connection_borrow_timeout=args.connection_borrow_timeout,
                max_connections_percent=args.max_connections_percent,
                max_idle_connections_percent=args.max_idle_connections_percent,
            ),
            opts=child,
        )
        aws.rds.ProxyTarget(
            f"{name}-target",
            region=args.region,
            db_proxy_name=self.proxy.name,
            target_group_name=self.target_group.name,
            **({"db_cluster_identifier": args.target_identifier} if args.target_is_cluster
               else {"db_instance_identifier": args.target_identifier}),
            opts=child.merge(pulumi.ResourceOptions(import_=args.target_import_id)) if args.target_import_id else child,
        )
        self.read_only_endpoint = None
        if args.read_only_endpoint:
            self.read_only_endpoint = aws.rds.ProxyEndpoint(
                f"{name}-read-only",
                region=args.region,
                db_proxy_name=self.proxy.name,
                db_proxy_endpoint_name=f"{args.name}-ro",
                vpc_subnet_ids=list(args.subnet_ids),
                vpc_security_group_ids=[self.security_group.id],
                target_role="READ_ONLY",
                opts=child,
            )

        self.proxy_name = args.name
        self.endpoint = self.proxy.endpoint
        self.register_outputs({"endpoint": self.endpoint})
