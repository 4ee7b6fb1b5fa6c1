r"""The characters of a generated master password: one alphabet for the first password and its rotations.

The first password comes from pulumi_random (components/credentials.py); every later one from
AWS's rotation function (components/rotation.py), which calls Secrets Manager GetRandomPassword
with the characters its `excludeCharacters` parameter names. Both draw from the same alphabet:
letters, digits and PASSWORD_SPECIALS.

Sources:
- RDS API Reference, CreateDBInstance / ModifyDBInstance -> MasterUserPassword: "Can include any
  printable ASCII character except" slash, double quote or at sign; length 8-41 for MySQL and MariaDB, 8-128
  for PostgreSQL; CreateDBCluster -> MasterUserPassword: 8-41, same characters.
  https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html
  RDS also refuses a space: its error reads "Only printable ASCII characters besides '/', '@',
  '"', ' ' may be used" (quoted in aws/aws-cdk issue #16824).
- Secrets Manager API Reference, GetRandomPassword: by default "uppercase and lowercase letters,
  numbers, and the following characters: !"#$%&'()*+,-./:;<=>?@[\]^_`{|}~" (Python's
  string.punctuation, the same 32 characters); IncludeSpace defaults to false; PasswordLength
  defaults to 32. https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetRandomPassword.html
- The single-user rotation functions (aws-samples/aws-secrets-manager-rotation-lambdas,
  SecretsManagerRDS{PostgreSQL,MySQL,MariaDB}RotationSingleUser/lambda_function.py at b4b8eca6,
  get_random_password): ExcludeCharacters from the EXCLUDE_CHARACTERS environment variable
  (default / @ " ' \ and, for PostgreSQL, also ':' - a .pgpass separator, aws-samples issue #9),
  PasswordLength from PASSWORD_LENGTH (default 32), no IncludeSpace, RequireEachIncludedType true.
"""

from __future__ import annotations

import string

# 32 characters: within every engine's master password limit (MySQL/MariaDB 41), and the
# rotation function's own default length (PASSWORD_LENGTH 32), so rotated passwords match it.
PASSWORD_LENGTH = 32
# The punctuation a generated password may contain: none of RDS's refused '/', '"', '@' or space;
# no quote, backslash or backtick (the rotation functions' own defaults leave them out).
PASSWORD_SPECIALS = "!#$%&*()-_=+[]{}<>:?"
# What the rotation function must not generate: every GetRandomPassword punctuation character
# outside PASSWORD_SPECIALS (space is never generated: the function does not set IncludeSpace).
ROTATION_EXCLUDED_CHARACTERS = "".join(c for c in string.punctuation if c not in PASSWORD_SPECIALS)
