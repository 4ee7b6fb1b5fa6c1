"""Stack configs shared by test modules: the cluster stacks (tests/test_clusters.py) and the stack
examples of docs/configuration.md (tests/test_stack_examples.py), as config overrides or stack files."""

import re

from plan.stack_config import PROJECT_DIR

DR = {"region": "eu-central-1", "vpcCidr": "10.61.0.0/16", "azCount": 3, "allowedCidrs": ["10.61.0.0/16"],
      "replicateBackups": False}
AURORA_PROD = {"deploymentOption": "aurora", "engine": "aurora-postgresql", "instanceClass": "db.r7g.large",
               "replicas": [], "disasterRecovery": DR,
               "cluster": {"readers": 2, "readerAutoScaling": {"minReaders": 0, "maxReaders": 4}}}
SERVERLESS_DEV = {"deploymentOption": "aurora", "engine": "aurora-mysql", "engineVersion": "8.0",
                  "alarms": {"enabled": True},
                  "cluster": {"readers": 1, "serverlessMinAcu": 0.5, "serverlessMaxAcu": 16, "backtrackHours": 24}}
# MySQL 8.0 is past its end of standard support (2026-07-31): only with Extended Support enabled.
MULTI_AZ_DEV = {"deploymentOption": "multi-az-cluster", "engine": "mysql", "engineVersion": "8.0",
                "engineLifecycleSupport": "open-source-rds-extended-support",
                "instanceClass": "db.m6gd.large", "storageType": "io1", "allocatedStorage": 400, "iops": 4000,
                "maxAllocatedStorage": 0, "alarms": {"enabled": True}, "proxy": {}}

PAGE = PROJECT_DIR / "docs" / "configuration.md"
# tools/plan_snapshot.sh reads the same blocks, in the same order, as Pulumi.example<N>.yaml.
EXAMPLES = [block for block in re.findall(r"```yaml\n(.*?)```", PAGE.read_text(), flags=re.S) if "config:" in block]
