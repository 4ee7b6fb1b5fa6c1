"""Two databases of the rdsplatform platform in one Python program: orders (PostgreSQL, a reporting
replica, a proxy) and billing (Aurora MySQL), each in its own VPC. The same program as the YAML
and TypeScript examples."""

import pulumi

from components.platform import DatabasePlatform
from components.platform_args import (AlarmArgs, ClusterArgs, CredentialsMode, DatabasePlatformArgs, DeploymentOption,
                                      Engine, ProxyArgs, ReaderAutoScalingArgs, ReplicaArgs)

# What both teams share: owner tag, a generated password rotated every 30 days, who is paged.
common = DatabasePlatformArgs(
    credentials_mode=CredentialsMode.GENERATED,
    tags={"Owner": "payments", "CostCenter": "payments-prod"},
)
paged = AlarmArgs(emails=["dba-oncall@example.com"])

orders = DatabasePlatform("orders", DatabasePlatformArgs(
    **common,
    engine=Engine.POSTGRES,
    engine_version="16",
    instance_class="db.r7g.large",
    allocated_storage=100,
    max_allocated_storage=500,
    vpc_cidr="10.60.0.0/16",
    allowed_cidrs=["10.60.0.0/16"],
    replicas=[ReplicaArgs(name="reporting")],
    proxy=ProxyArgs(idle_client_timeout=900),
    alarms=AlarmArgs(**paged, thresholds={"cpuUtilizationPercent": 75}),
))

billing = DatabasePlatform("billing", DatabasePlatformArgs(
    **common,
    deployment_option=DeploymentOption.AURORA,
    engine=Engine.AURORA_MYSQL,
    engine_version="8.0",
    instance_class="db.r7g.large",
    cluster=ClusterArgs(readers=1, reader_auto_scaling=ReaderAutoScalingArgs(max_readers=4)),
    vpc_cidr="10.61.0.0/16",
    allowed_cidrs=["10.61.0.0/16"],
    alarms=paged,
))

pulumi.export("ordersEndpoint", orders.endpoint)
pulumi.export("ordersProxyEndpoint", orders.proxy_endpoint)
pulumi.export("ordersSecretArn", orders.master_secret_arn)
pulumi.export("billingEndpoint", billing.endpoint)
pulumi.export("billingSecretArn", billing.master_secret_arn)
