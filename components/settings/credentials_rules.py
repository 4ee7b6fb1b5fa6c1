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

RDS_SECRETS_DOC = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html"
AURORA_SECRETS_DOC = "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/rds-secrets-manager.html"


def credentials_problems(s: Settings) -> list[str]:
    """An RDS-managed master password rules out read replicas and Aurora global databases."""
    if s.credentials_mode != "managed":
        return []
    key = config_key
    problems: list[str] = []
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
