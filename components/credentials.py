"""The master credentials: an RDS-managed secret, or a generated password in Secrets Manager."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Optional

import pulumi
import pulumi_aws as aws
import pulumi_random as random

from components.passwords import PASSWORD_LENGTH, PASSWORD_SPECIALS

# The staging label that keeps a rotated secret's first version from being deleted (see
# store_connection_document). Secrets Manager's own labels start with AWS; this one cannot clash.
FIRST_VERSION_LABEL = "rdsplatform-first-version"

@dataclass
class CredentialsArgs:
    """How the master password is made and which key protects it."""

    mode: Literal["managed", "generated"]
    username: str
    engine: str
    db_name: str
    kms_key_arn: pulumi.Input[str]
    region: str
    recovery_window_days: int = 30
    # Generated mode: Secrets Manager rotates the value (components/rotation.py); Pulumi then
    # writes the connection document once and leaves later versions to the rotation.
    rotated: bool = False


class Credentials(pulumi.ComponentResource):
    """Master credentials for one database, never in plain text in state, plan or outputs.

    `managed`: RDS creates and rotates the secret itself (every 7 days), encrypted with our
    key; nothing is created here and `instance_args` asks RDS for it.
    `generated`: a random password stored as a Secrets Manager secret with our key; the
    connection document is written once the database address is known.
    The component is complete (its outputs registered) only after `store_connection_document`,
    which the platform calls once the database exists: it creates the last child.
    """

    def __init__(self, name: str, args: CredentialsArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("rdsplatform:index:Credentials", name, None, opts)
        self._name = name
        self._args = args
        self.password: Optional[random.RandomPassword] = None
        self.secret: Optional[aws.secretsmanager.Secret] = None
        self.connection: Optional[aws.secretsmanager.SecretVersion] = None

        if args.mode == "generated":
            # The alphabet the rotation function also uses (components/passwords.py): RDS
            # refuses '/', '@', '"' and spaces in master passwords.
            self.password = random.RandomPassword(
                f"{name}-password",
                length=PASSWORD_LENGTH,
                special=True,
                override_special=PASSWORD_SPECIALS,
                min_lower=1, min_upper=1, min_numeric=1, min_special=1,
                opts=pulumi.ResourceOptions(parent=self),
            )
            self.secret = aws.secretsmanager.Secret(
                f"{name}-secret",
                region=args.region,
                description=f"Master credentials of the {args.engine} database {args.db_name}",
                kms_key_id=args.kms_key_arn,
                # Keep the recovery window: a deleted secret can be restored for this long.
                recovery_window_in_days=args.recovery_window_days,
                opts=pulumi.ResourceOptions(parent=self),
            )

    @property
    def instance_args(self) -> dict[str, Any]:
        """The aws.rds.Instance arguments that hand these credentials to RDS."""
        if self.password is None:
            return {
                "username": self._args.username,
                "manage_master_user_password": True,
                "master_user_secret_kms_key_id": self._args.kms_key_arn,
            }
        return {"username": self._args.username, "password": self.password.result}

    @property
    def cluster_args(self) -> dict[str, Any]:
        """The aws.rds.Cluster arguments that hand these credentials to RDS."""
        if self.password is None:
            return {
                "master_username": self._args.username,
                "manage_master_user_password": True,
                "master_user_secret_kms_key_id": self._args.kms_key_arn,
            }
        return {"master_username": self._args.username, "master_password": self.password.result}

    def store_connection_document(self, host: pulumi.Input[str], port: pulumi.Input[int]) -> None:
        """Write engine, host, port, dbname, username and password as the secret's value, then
        register the component's outputs: the secret version is its last child."""
        if self.secret is not None and self.password is not None:
            document = pulumi.Output.json_dumps({
                "engine": self._args.engine,
                "host": host,
                "port": port,
                "dbname": self._args.db_name,
                "username": self._args.username,
                "password": self.password.result,
            })
            self.connection = aws.secretsmanager.SecretVersion(
                f"{self._name}-connection",
                region=self._args.region,
                secret_id=self.secret.id,
                # json_dumps of a secret Output stays secret; say so anyway in case that changes.
                # mypy infers Never for Output.secret of an Output (it lacks from_input's overload for one).
                secret_string=pulumi.Output.secret(document),  # type: ignore[arg-type]
                # A rotated secret's first version keeps a label of its own (docs/aws-rules.md
                # rule 24c): rotation moves AWSCURRENT and AWSPREVIOUS away from it, and a version
                # left without any label is "deprecated" and Secrets Manager may delete it; a
                # `pulumi refresh` would then drop it from state and the next `up` write the first
                # password back as AWSCURRENT. AWSCURRENT stays in the list: the provider requires
                # it on a secret's only version (pulumi-aws SecretVersion.version_stages).
                version_stages=["AWSCURRENT", FIRST_VERSION_LABEL] if self._args.rotated else None,
                # Once rotation runs, the current value and stages are the rotation's: the next
                # `up` must not write the first password back.
                opts=pulumi.ResourceOptions(
                    parent=self,
                    ignore_changes=["secretString", "versionStages"] if self._args.rotated else None),
            )
        self.register_outputs({"secret_arn": self.secret.arn if self.secret else None})
