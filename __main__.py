"""Entry point: read the stack's settings, build the platform, export what clients need."""

import pulumi

from components import settings as stack_settings
from components.platform import DatabasePlatform

settings = stack_settings.load()
platform = DatabasePlatform(settings.identifier, settings)

pulumi.export("endpoint", platform.database.endpoint)
pulumi.export("address", platform.database.address)
pulumi.export("port", platform.database.port)
pulumi.export("masterSecretArn", platform.secret_arn)
pulumi.export("kmsKeyArn", platform.keys.key_arn)
pulumi.export("securityGroupId", platform.network.security_group_id)
pulumi.export("subnetGroupName", platform.network.subnet_group_name)
pulumi.export("replicaEndpoints", platform.reader_endpoints)
pulumi.export("proxyEndpoint", platform.proxy.endpoint if platform.proxy else None)
pulumi.export("alarmTopicArns", {region: a.topic_arn for region, a in platform.alert_topics.items()})
pulumi.export("dashboardName", platform.dashboard.dashboard_name if platform.dashboard else None)
