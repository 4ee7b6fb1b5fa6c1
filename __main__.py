"""Entry point: read the stack's settings, build the platform, export what clients need."""

import pulumi

from components import settings as stack_settings
from components.platform import DatabasePlatform

settings = stack_settings.load()
# The same args a package consumer passes: one code path from args to resources.
platform = DatabasePlatform(settings.identifier, stack_settings.to_args(settings))

pulumi.export("endpoint", platform.endpoint)
pulumi.export("address", platform.address)
pulumi.export("port", platform.port)
pulumi.export("masterSecretArn", platform.master_secret_arn)
pulumi.export("kmsKeyArn", platform.kms_key_arn)
pulumi.export("securityGroupId", platform.security_group_id)
pulumi.export("subnetGroupName", platform.subnet_group_name)
pulumi.export("replicaEndpoints", platform.replica_endpoints)
pulumi.export("proxyEndpoint", platform.proxy_endpoint)
pulumi.export("alarmTopicArns", platform.alarm_topic_arns)
pulumi.export("dashboardName", platform.dashboard_name)
