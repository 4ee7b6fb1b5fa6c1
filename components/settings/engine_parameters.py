"""DB parameters that exist on one engine family only: set on the other, AWS refuses the parameter
group ("InvalidParameterValue: Could not find parameter with name ...").

The names are those of the engines' parameter lists in the RDS User Guide: "Working with
parameters on your RDS for PostgreSQL DB instance" (rds.*, pg_*, pgaudit.*, auto_explain.*,
log_min_duration_statement, ...) and "Parameters for MySQL" / "Parameters for MariaDB"
(innodb_*, binlog_*, require_secure_transport, slow_query_log, ...); Aurora engines take their
RDS twin's names. The table holds names distinctive of one family; names both share
(max_connections, ...) pass.
"""

from __future__ import annotations

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


def family_of_parameter(name: str) -> str | None:
    """The engine family a parameter name belongs to only, or None when it is not distinctive."""
    for family, (prefixes, names) in ONLY.items():
        if name in names or name.startswith(prefixes):
            return family
    return None


def parameter_problems(s: Settings) -> list[str]:
    """Each of the stack's parameters exists on its engine family (names only: values may be secret)."""
    mine = FAMILY[s.engine]
    problems = []
    for name in s.parameters:
        family = family_of_parameter(name)
        if family is not None and family != mine:
            tls = f" (its TLS switch is {TLS[mine]}, which the platform sets)" if name == TLS[family] else ""
            problems.append(f"{config_key('parameters')}.{name}: a {family} parameter; {s.engine} has no such "
                            f"parameter{tls} — see the RDS User Guide's parameter list for {mine}")
    return problems
