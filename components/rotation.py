"""Rotation of a generated master password: AWS's single-user rotation function, in the DB subnets.

Sources (docs/aws-rules.md):
- AWS Secrets Manager User Guide, "AWS Secrets Manager rotation function templates" (Amazon RDS
  and Amazon Aurora: "Amazon RDS PostgreSQL single user", "... MySQL single user", "... MariaDB
  single user"), https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_available-rotation-templates.html
  The templates are published in the Serverless Application Repository under
  arn:aws:serverlessrepo:us-east-1:297356227824:applications/<template name>; they need
  CAPABILITY_IAM and CAPABILITY_RESOURCE_POLICY. The secret value is the template's JSON: engine,
  host, username, password, dbname, port (components/credentials.py writes exactly that).
- AWS CDK's SecretRotation deploys the same applications (aws/aws-cdk,
  packages/aws-cdk-lib/aws-secretsmanager/lib/secret-rotation.ts at commit
  0b89b3c328b766e0adee1d4e3f2dacd363c207eb): the same application ids for the aws partition, a
  pinned semanticVersion per template (TEMPLATE_VERSIONS), and the parameters `endpoint`
  ("https://secretsmanager.<region>.<url suffix>"), `functionName`, `vpcSubnetIds` (comma-joined),
  `vpcSecurityGroupIds`, `excludeCharacters` (characters the generated password must not
  contain) and `kmsKeyArn` (the secret's customer-managed key). The template text itself was not
  read here; the rotation function reads EXCLUDE_CHARACTERS (components/passwords.py).
- Same guide, "Network access for Lambda rotation function": the function must reach the
  database and a Secrets Manager endpoint; "If your Lambda function runs in a VPC that doesn't
  have internet access, we recommend you configure Secrets Manager service private endpoints
  within your VPC" (components/network.py adds one to the isolated VPC).
  https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotation-function-network-access.html
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

import pulumi
import pulumi_aws as aws

from components.network import tcp_egress, tcp_ingress
from components.passwords import ROTATION_EXCLUDED_CHARACTERS

SAR_ACCOUNT_APPLICATIONS = "arn:aws:serverlessrepo:us-east-1:297356227824:applications"
# The single-user template per engine (the secret's "engine" key names the same engine).
TEMPLATES = {
    "postgres": "SecretsManagerRDSPostgreSQLRotationSingleUser",
    "aurora-postgresql": "SecretsManagerRDSPostgreSQLRotationSingleUser",
    "mysql": "SecretsManagerRDSMySQLRotationSingleUser",
    "aurora-mysql": "SecretsManagerRDSMySQLRotationSingleUser",
    "mariadb": "SecretsManagerRDSMariaDBRotationSingleUser",
}
# The template version deployed, pinned: a new release must not change the rotation code under a
# stack without review. These are the versions AWS CDK pins for the aws partition
# (secret-rotation.ts at 0b89b3c3, SecretRotationApplication.POSTGRES_ROTATION_SINGLE_USER,
# MYSQL_ROTATION_SINGLE_USER, MARIADB_ROTATION_SINGLE_USER). To upgrade: list the versions
# (`aws serverlessrepo list-application-versions --region us-east-1 --application-id <id>`), read
# the new template (`aws serverlessrepo get-application ... --semantic-version <v>`: it must still
# take the parameters set below), change the version here, in docs/aws-rules.md (rule 24) and in
# the tests that assert it (tests/test_aws_rules_in_plans.py, tests/test_second_up.py);
# the preview then shows an in-place update of the stack's semanticVersion (policies/rds_guardrails/facts/forcenew.json).
TEMPLATE_VERSIONS = {
    "SecretsManagerRDSPostgreSQLRotationSingleUser": "1.1.671",
    "SecretsManagerRDSMySQLRotationSingleUser": "1.1.671",
    "SecretsManagerRDSMariaDBRotationSingleUser": "1.1.670",
}
HTTPS = 443


@dataclass
class SecretRotationArgs:
    """Which secret rotates, how often, and where its function runs."""

    identifier: str
    region: str
    engine: str
    secret_id: pulumi.Input[str]
    kms_key_arn: pulumi.Input[str]
    days: int
    vpc_id: pulumi.Input[str]
    subnet_ids: Sequence[pulumi.Input[str]]
    db_security_group_id: pulumi.Input[str]
    port: int
    account_id: pulumi.Input[str]
    partition: pulumi.Input[str]
    # The Secrets Manager endpoint's group in the isolated VPC; None: the VPC's own way out.
    endpoint_security_group_id: Optional[pulumi.Input[str]] = None
    # The secret's value must exist before the first rotation runs.
    depends_on: Sequence[pulumi.Resource] = ()


def template_application_id(engine: str) -> str:
    """The Serverless Application Repository ARN of the engine's single-user rotation template."""
    return f"{SAR_ACCOUNT_APPLICATIONS}/{TEMPLATES[engine]}"


def template_semantic_version(engine: str) -> str:
    """The pinned version of the engine's single-user rotation template."""
    return TEMPLATE_VERSIONS[TEMPLATES[engine]]


class SecretRotation(pulumi.ComponentResource):
    """The rotation function (from AWS's template), its security group and the rotation schedule."""

    def __init__(self, name: str, args: SecretRotationArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("rdsplatform:index:SecretRotation", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        self.security_group = aws.ec2.SecurityGroup(
            f"{name}-sg",
            region=args.region,
            vpc_id=args.vpc_id,
            description=f"Password rotation function of {args.identifier}",
            revoke_rules_on_delete=True,
            opts=child,
        )
        # Out to the database port, and in on the database's group from this group only.
        tcp_egress(f"{name}-to-database", security_group_id=self.security_group.id, port=args.port,
                   region=args.region, description="rotation function to the database port", parent=self,
                   target_group_id=args.db_security_group_id)
        tcp_ingress(f"{name}-into-database", security_group_id=args.db_security_group_id, port=args.port,
                    region=args.region, description=f"database port from the rotation function of {args.identifier}",
                    parent=self, source_group_id=self.security_group.id)
        # Out to Secrets Manager over HTTPS: the private endpoint's group, or (existing VPC) any
        # address, since the way out (NAT or an endpoint) is the VPC owner's.
        tcp_egress(f"{name}-to-secrets-manager", security_group_id=self.security_group.id, port=HTTPS,
                   region=args.region, description="rotation function to Secrets Manager", parent=self,
                   target_group_id=args.endpoint_security_group_id,
                   cidr=None if args.endpoint_security_group_id is not None else "0.0.0.0/0")

        function_name = f"{args.identifier}-rotation"
        self.application = aws.serverlessrepository.CloudFormationStack(
            f"{name}-function",
            region=args.region,
            name=function_name,
            application_id=template_application_id(args.engine),
            semantic_version=template_semantic_version(args.engine),
            capabilities=["CAPABILITY_IAM", "CAPABILITY_RESOURCE_POLICY"],
            parameters={
                "endpoint": f"https://secretsmanager.{args.region}.amazonaws.com",
                "functionName": function_name,
                "vpcSubnetIds": pulumi.Output.all(*args.subnet_ids).apply(lambda ids: ",".join(ids)),
                "vpcSecurityGroupIds": self.security_group.id,
                "kmsKeyArn": args.kms_key_arn,
                # Rotated passwords use the first password's alphabet (components/passwords.py).
                "excludeCharacters": ROTATION_EXCLUDED_CHARACTERS,
            },
            opts=child,
        )
        # The template names the function `functionName`; its ARN is known before the stack exists.
        function_arn = pulumi.Output.all(args.partition, args.account_id).apply(
            lambda v: f"arn:{v[0]}:lambda:{args.region}:{v[1]}:function:{function_name}")
        self.rotation = aws.secretsmanager.SecretRotation(
            f"{name}-schedule",
            region=args.region,
            secret_id=args.secret_id,
            rotation_lambda_arn=function_arn,
            rotation_rules=aws.secretsmanager.SecretRotationRotationRulesArgs(automatically_after_days=args.days),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.application, *args.depends_on]),
        )
        self.register_outputs({"function_arn": function_arn})
