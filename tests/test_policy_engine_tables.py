"""The pack's engine tables know every engine the program can deploy (components/catalog.py)."""

# --- the pack's engine tables know every engine the program can deploy --------------------------

def _catalog():
    from components import catalog
    assert catalog.ENGINES and catalog.DEPLOYMENT_ENGINES["multi-az-cluster"]
    return catalog


def test_log_export_tables_cover_every_engine_and_ask_only_what_the_program_exports():
    from rds_guardrails.availability import ENGINE_LOGS, MULTI_AZ_CLUSTER_LOGS
    catalog = _catalog()
    for engine, spec in catalog.ENGINES.items():
        assert engine in ENGINE_LOGS, engine
        assert set(ENGINE_LOGS[engine]) <= set(spec.log_exports), engine
    for engine in catalog.DEPLOYMENT_ENGINES["multi-az-cluster"]:
        assert set(MULTI_AZ_CLUSTER_LOGS[engine]) <= set(catalog.MULTI_AZ_CLUSTER_LOG_EXPORTS[engine]), engine


def test_tls_table_covers_every_engine_with_the_programs_parameter_and_value():
    from rds_guardrails.stack_controls import TLS_PARAMETERS
    catalog = _catalog()
    for engine, spec in catalog.ENGINES.items():
        name, value = spec.tls_parameter
        assert engine in TLS_PARAMETERS, engine
        assert TLS_PARAMETERS[engine][0] == name and value in TLS_PARAMETERS[engine][1], engine


def test_every_engines_default_port_is_a_database_port():
    from rds_guardrails.network import DEFAULT_DB_PORTS
    catalog = _catalog()
    assert {spec.default_port for spec in catalog.ENGINES.values()} <= set(DEFAULT_DB_PORTS)


def test_the_program_refuses_every_user_name_the_pack_refuses():
    from rds_guardrails.availability import DEFAULT_USERNAMES
    catalog = _catalog()
    for engine, spec in catalog.ENGINES.items():
        assert {u.lower() for u in DEFAULT_USERNAMES} <= spec.reserved_usernames, engine
