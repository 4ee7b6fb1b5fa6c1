"""Rules across keys about the master credentials: where an RDS-managed password cannot be used.

Sources (docs/aws-rules.md lists them with the tests):
- RDS User Guide, "Password management with Amazon RDS and AWS Secrets Manager", section
  "Limitations for Secrets Manager integration with Amazon RDS": "Managing master user passwords
  with Secrets Manager isn't supported for the following features: ... Creating a read replica
  when the source DB or DB cluster manages credentials with Secrets Manager. This applies to all
  DB engines except RDS for SQL Server." (RDS_SECRETS_DOC)
- Aurora User Guide, same page title, "Limitations for Secrets Manager integration with Amazon
  Aurora": "... DB clusters that are part of an Aurora global database". (AURORA_SECRETS_DOC)
"""

from __future__ import annotations

from components.settings.base import config_key
from components.settings.model import Settings
from components.settings.regions import partition_of

RDS_SECRETS_DOC = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html"
AURORA_SECRETS_DOC = "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/rds-secrets-manager.html"
ROTATION_TEMPLATES_DOC = ("https://docs.aws.amazon.com/secretsmanager/latest/userguide/"
                          "reference_available-rotation-templates.html")


def credentials_problems(s: Settings) -> list[str]:
    """An RDS-managed master password rules out read replicas and Aurora global databases; the
    rotation function of a generated one exists here only in the aws partition."""
    key = config_key
    problems: list[str] = []
    partition = partition_of(s.region)
    if s.rotates_secret and partition not in (None, "aws"):
        # components/rotation.py deploys AWS's rotation templates from the Serverless Application
        # Repository account of the aws partition (arn:aws:serverlessrepo:us-east-1:297356227824)
        # and names endpoints *.amazonaws.com; other partitions publish them elsewhere (the CDK
        # maps aws-cn and aws-us-gov to their own accounts). Not mapped here: refuse, not guess.
        problems.append(
            f"{key('secretRotationDays')} = {s.secret_rotation_days} in {s.region} ({partition} partition): "
            "the rotation function is deployed from the aws partition's Serverless Application Repository, "
            "which this program does not map to other partitions yet; set secretRotationDays: 0 (the "
            "rds-credentials-rotate policy then asks for another rotation) or use credentialsMode: managed "
            f"without replicas — see {ROTATION_TEMPLATES_DOC}")
    if s.credentials_mode != "managed":
        return problems
    if s.replicas:
        problems.append(
            f"{key('credentialsMode')} = 'managed' with {key('replicas')} ({len(s.replicas)}): RDS cannot "
            "create a read replica of a database whose master password it manages in Secrets Manager; "
            f"set credentialsMode: generated (rotated by secretRotationDays) — see {RDS_SECRETS_DOC} "
            "(Limitations)")
    if s.is_aurora and s.disaster_recovery is not None:
        problems.append(
            f"{key('credentialsMode')} = 'managed' with {key('disasterRecovery')} on Aurora: an Aurora "
            "global database cannot have an RDS-managed master password; set credentialsMode: generated "
            f"— see {AURORA_SECRETS_DOC} (Limitations)")
    return problems
