"""DB parameters that exist on one engine family only: set on the other, AWS refuses the parameter
group ("InvalidParameterValue: Could not find parameter with name ...").

The names are those of the engines' parameter lists in the RDS User Guide: "Working with
parameters on your RDS for PostgreSQL DB instance" (rds.*, pg_*, pgaudit.*, auto_explain.*,
log_min_duration_statement, ...) and "Parameters for MySQL" / "Parameters for MariaDB"
(innodb_*, binlog_*, require_secure_transport, slow_query_log, ...); Aurora engines take their
RDS twin's names. The table holds names distinctive of one family; names both share
(max_connections, ...) pass.

Beyond the table, the engines' own complete lists (parameter_names/: PostgreSQL 15's
`postgres --describe-config`, MariaDB 10.11's `mariadbd --verbose --help`; AWS publishes no
offline list, and DescribeEngineDefaultParameters needs an account): a name that is a setting of
the other family's engine and not of this family's is refused. A heuristic, stated: a name in
neither list passes (RDS-only names such as aurora_*, settings newer than those versions, MySQL
8.0 names MariaDB lacks), so it refuses only what one engine knows and the other does not.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from components.settings.base import config_key
from components.settings.model import Settings

FAMILY = {"postgres": "PostgreSQL", "aurora-postgresql": "PostgreSQL",
          "mysql": "MySQL/MariaDB", "mariadb": "MySQL/MariaDB", "aurora-mysql": "MySQL/MariaDB"}
# (prefixes, exact names) distinctive of each family.
ONLY = {
    "PostgreSQL": (("rds.", "pg_", "pgaudit.", "auto_explain.", "pglogical.", "autovacuum", "apg_"),
                   frozenset({"log_min_duration_statement", "log_connections", "log_disconnections",
                              "shared_preload_libraries", "work_mem", "maintenance_work_mem",
                              "effective_cache_size", "random_page_cost", "log_statement", "statement_timeout",
                              "idle_in_transaction_session_timeout", "ssl_min_protocol_version",
                              "password_encryption", "track_activity_query_size", "max_wal_size"})),
    "MySQL/MariaDB": (("innodb_", "binlog_", "character_set_", "collation_", "server_audit_"),
                      frozenset({"require_secure_transport", "slow_query_log", "general_log", "long_query_time",
                                 "log_output", "sql_mode", "performance_schema", "max_allowed_packet",
                                 "wait_timeout", "interactive_timeout", "log_bin_trust_function_creators",
                                 "tls_version", "local_infile", "lower_case_table_names", "event_scheduler",
                                 "explicit_defaults_for_timestamp"})),
}
# The switch that enforces TLS on each family, to point at the right one.
TLS = {"PostgreSQL": "rds.force_ssl", "MySQL/MariaDB": "require_secure_transport"}


_LISTS = {"PostgreSQL": "postgresql-15.txt", "MySQL/MariaDB": "mariadb-10.11.txt"}


@lru_cache(maxsize=None)
def engine_parameter_names(family: str) -> frozenset[str]:
    """Every setting name of the family's engine (lower case), from parameter_names/."""
    text = (Path(__file__).parent / "parameter_names" / _LISTS[family]).read_text()
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


def family_of_parameter(name: str) -> str | None:
    """The engine family a parameter name belongs to only, or None when it is not distinctive."""
    for family, (prefixes, names) in ONLY.items():
        if name in names or name.startswith(prefixes):
            return family
    known = [family for family in _LISTS if name.lower() in engine_parameter_names(family)]
    return known[0] if len(known) == 1 else None


def parameter_problems(s: Settings) -> list[str]:
    """Each of the stack's parameters exists on its engine family (names only: values may be secret)."""
    mine = FAMILY[s.engine]
    problems = []
    for name in s.parameters:
        if not name or name.strip() != name or any(c.isspace() for c in name):
            # AWS names no parameter so: the parameter group would be refused at deploy.
            problems.append(f"{config_key('parameters')}: the parameter name {name!r} is empty or has spaces; "
                            "give the name as in the RDS User Guide's parameter list, e.g. log_connections")
            continue
        family = family_of_parameter(name)
        if family is not None and family != mine:
            tls = f" (its TLS switch is {TLS[mine]}, which the platform sets)" if name == TLS[family] else ""
            problems.append(f"{config_key('parameters')}.{name}: a {family} parameter; {s.engine} has no such "
                            f"parameter{tls} — see the RDS User Guide's parameter list for {mine}")
    return problems
