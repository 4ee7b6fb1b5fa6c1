"""Exception records (policies/rds_guardrails/waivers.py): matching, validation, expiry, stale, and
`evaluate` (the audit's front end) applying them as the pack does.

Table style: a valid record (RECORD) and one change per case.
"""

from datetime import date, timedelta

import pytest

from rds_guardrails import waivers
from rds_guardrails.evaluate import Resource, evaluate, levels_from_config, stale_exceptions
from rds_guardrails.waivers import Waiver, WaiverError

TODAY = waivers.today()
SOON = (TODAY + timedelta(days=30)).isoformat()
PAST = (TODAY - timedelta(days=1)).isoformat()
POLICIES = ["rds-multi-az", "rds-backup-retention"]
URN = "urn:pulumi:dev::rdsplatform::aws:rds/instance:Instance::reporting-db"
RECORD = {"id": "dev-reporting-single-az", "resources": ["reporting-db"], "stacks": ["dev"],
          "reason": "rebuilt nightly", "owner": "data-platform@example.com", "expires": SOON, "ticket": "OPS-1234"}


def _waiver(**change):
    record = {**RECORD, **change}
    return waivers.parse_record("rds-multi-az", {k: v for k, v in record.items() if v is not None}, TODAY)


# --- matching ------------------------------------------------------------------------------------

MATCH_CASES = [
    # (change to the record, urn, name, stack given, covered)
    ("baseline: the name", {}, URN, "reporting-db", None, True),
    ("another name", {"resources": ["orders-db"]}, URN, "reporting-db", None, False),
    ("a name glob", {"resources": ["reporting-*"]}, URN, "reporting-db", None, True),
    ("a glob that misses", {"resources": ["orders-*"]}, URN, "reporting-db", None, False),
    ("a URN glob", {"resources": ["urn:pulumi:dev::*::aws:rds/instance:Instance::reporting-*"]}, URN,
     "reporting-db", None, True),
    ("a URN glob of another type", {"resources": ["urn:pulumi:dev::*::aws:rds/cluster:Cluster::*"]}, URN,
     "reporting-db", None, False),
    ("a URN pattern never matches the name", {"resources": ["urn:pulumi:*::*::*::reporting-db"]}, "",
     "reporting-db", None, False),
    ("another stack in the URN", {"stacks": ["prod"]}, URN, "reporting-db", None, False),
    ("every stack", {"stacks": None}, URN, "reporting-db", None, True),
    ("stack given (live resource)", {}, "", "reporting-db", "dev", True),
    ("another stack given", {}, "", "reporting-db", "prod", False),
    ("no stack known, stacks named", {}, "", "reporting-db", None, False),
    ("case matters", {"resources": ["Reporting-DB"]}, URN, "reporting-db", None, False),
]


@pytest.mark.parametrize("change, urn, name, stack, covered", [c[1:] for c in MATCH_CASES],
                         ids=[c[0] for c in MATCH_CASES])
def test_an_exception_covers_resources_by_name_urn_glob_and_stack(change, urn, name, stack, covered):
    assert _waiver(**change).covers(urn, name, stack) is covered


def test_find_prefers_an_active_exception_to_an_expired_one():
    expired = Waiver("old", "rds-multi-az", ("reporting-*",), (), "r", "o", PAST)
    active = _waiver()
    assert waivers.find([expired, active], URN, "reporting-db") == active
    assert waivers.find([expired], URN, "reporting-db") == expired
    assert waivers.find([expired, active], URN, "orders-db") is None


def test_expires_is_the_last_day_it_holds():
    w = _waiver(expires=TODAY.isoformat())
    assert not w.expired(TODAY) and w.expired(TODAY + timedelta(days=1))
    assert _waiver(expires=PAST).expired()


def test_stale_lists_the_exceptions_of_the_stack_that_cover_nothing():
    covering, missing = _waiver(), _waiver(id="gone", resources=["nothing-*"])
    other_stack = _waiver(id="prod-only", resources=["nothing-*"], stacks=["prod"])
    assert waivers.stale([covering, missing, other_stack], [(URN, "reporting-db")], "dev") == [missing]


def test_to_json_carries_every_field():
    assert _waiver().to_json() == {"id": "dev-reporting-single-az", "policy": "rds-multi-az",
                                   "resources": ["reporting-db"], "stacks": ["dev"], "reason": "rebuilt nightly",
                                   "owner": "data-platform@example.com", "expires": SOON, "ticket": "OPS-1234"}
    assert _waiver().justification == f"rebuilt nightly (owner data-platform@example.com, until {SOON}, id dev-reporting-single-az)"


# --- validation ------------------------------------------------------------------------------------

BAD_RECORDS = [
    # (change to the record (None: remove the key), message fragment)
    ("no owner", {"owner": None}, "exception 'dev-reporting-single-az' of policy rds-multi-az: owner: is missing"),
    ("no reason", {"reason": None}, "exception 'dev-reporting-single-az' of policy rds-multi-az: reason: is missing"),
    ("no expiry", {"expires": None}, "exception 'dev-reporting-single-az' of policy rds-multi-az: expires: is missing"),
    ("blank owner", {"owner": "  "}, "owner: '  ' is empty or not text"),
    ("no id", {"id": None}, "an exception without an id of policy rds-multi-az: id:"),
    ("id not a slug", {"id": "Dev Reporting"}, "id: 'Dev Reporting' is missing or not a slug"),
    ("not a date", {"expires": "31/03/2027"}, "expires: '31/03/2027' is not a date YYYY-MM-DD"),
    ("no such day", {"expires": "2027-02-30"}, "expires: '2027-02-30' is not a date YYYY-MM-DD"),
    ("beyond the horizon", {"expires": (TODAY + timedelta(days=91)).isoformat()},
     "is beyond the horizon of 90 days"),
    ("no resources", {"resources": []}, "resources: [] is missing or empty"),
    ("an empty pattern", {"resources": [""]}, "resources: '' is not a pattern"),
    ("a padded pattern", {"resources": [" db "]}, "resources: ' db ' has surrounding or embedded whitespace"),
    ("an unbalanced bracket", {"resources": ["db[12"]}, "resources: 'db[12' has an unbalanced '[' or ']'"),
    ("a short URN", {"resources": ["urn:pulumi:dev::db"]}, "resources: 'urn:pulumi:dev::db' is not a URN pattern"),
    ("not a pulumi URN", {"resources": ["urn:aws:rds::x::y::z"]}, "is not a URN pattern"),
    ("a bad stack name", {"stacks": ["dev prod"]}, "stacks: ['dev prod'] is not a list of stack names"),
    ("an unknown key", {"expiry": SOON}, "expiry: is not a key of an exception (did you mean expires?)"),
    ("an empty ticket", {"ticket": ""}, "ticket: '' is empty or not text"),
]


@pytest.mark.parametrize("change, fragment", [c[1:] for c in BAD_RECORDS], ids=[c[0] for c in BAD_RECORDS])
def test_a_bad_record_is_refused_naming_the_exception_and_the_key(change, fragment):
    with pytest.raises(WaiverError, match="^policy config: ") as raised:
        _waiver(**change)
    assert fragment in str(raised.value)


def test_the_baseline_record_and_an_expired_one_are_accepted():
    assert _waiver().id == "dev-reporting-single-az"
    assert _waiver(expires=PAST).expired()  # expired: the violation fails; not a bad record


BAD_FILES = [
    ("unknown policy", {"rds-multi-azz": {"exceptions": [RECORD]}},
     "exception 'dev-reporting-single-az' of policy rds-multi-azz: exceptions: rds-multi-azz is not a policy of "
     "the pack (did you mean rds-multi-az?)"),
    ("under all", {"all": {"enforcementLevel": "mandatory", "exceptions": [RECORD]}},
     "of policy all: exceptions: exceptions belong under a policy's own entry"),
    ("a duplicate id", {"rds-multi-az": {"exceptions": [RECORD]}, "rds-backup-retention": {"exceptions": [RECORD]}},
     "of policy rds-backup-retention: id: is also the id of an exception of policy rds-multi-az"),
    ("not a list", {"rds-multi-az": {"exceptions": RECORD}}, "policy rds-multi-az: exceptions: {"),
    ("a horizon too far", {"rds-multi-az": {"exceptionHorizonDays": 400, "exceptions": [RECORD]}},
     "policy rds-multi-az: exceptionHorizonDays: 400 is not a whole number of days from 1 to 365"),
    ("beyond a shorter horizon", {"rds-multi-az": {"exceptionHorizonDays": 7, "exceptions": [RECORD]}},
     "is beyond the horizon of 7 days"),
]


@pytest.mark.parametrize("config, fragment", [c[1:] for c in BAD_FILES], ids=[c[0] for c in BAD_FILES])
def test_a_bad_file_is_refused_naming_the_exception(config, fragment):
    with pytest.raises(WaiverError) as raised:
        waivers.parse_config(config, POLICIES)
    assert fragment in str(raised.value)


def test_a_longer_horizon_set_in_the_entry_accepts_a_later_expiry():
    later = {**RECORD, "expires": (TODAY + timedelta(days=200)).isoformat()}
    with pytest.raises(WaiverError):
        waivers.parse_config({"rds-multi-az": {"exceptions": [later]}}, POLICIES)
    found = waivers.parse_config({"rds-multi-az": {"exceptionHorizonDays": 200, "exceptions": [later]}}, POLICIES)
    assert [w.id for w in found["rds-multi-az"]] == ["dev-reporting-single-az"]


def test_a_new_exception_may_not_start_expired():
    waivers.check_new(_waiver())
    with pytest.raises(WaiverError, match=f"expires: {PAST} is already past"):
        waivers.check_new(_waiver(expires=PAST))


def test_horizon_is_counted_from_the_day_given():
    on = date(2027, 1, 1)
    assert waivers.parse_record("p", {**RECORD, "expires": "2027-04-01"}, on).expires == "2027-04-01"
    with pytest.raises(WaiverError, match="at most 2027-04-01"):
        waivers.parse_record("p", {**RECORD, "expires": "2027-04-02"}, on)


# --- evaluate (the audit's front end) ----------------------------------------------------------------

SINGLE_AZ = Resource("aws:rds/instance:Instance", "reporting-db", {
    "engine": "postgres", "multiAz": False, "tags": {"Environment": "dev"}})


def _multi_az(findings):
    return [f for f in findings if f.policy == "rds-multi-az"]


def test_evaluate_waives_a_covered_finding_at_advisory_with_its_exception():
    baseline = _multi_az(evaluate([SINGLE_AZ], {"all": "mandatory"}))
    assert [(f.level, f.waiver) for f in baseline] == [("mandatory", None)]
    config = {"all": "mandatory", "rds-multi-az": {"exceptions": [RECORD]}}
    waived = _multi_az(evaluate([SINGLE_AZ], config, lambda r: r.props["tags"]["Environment"]))
    assert [(f.level, f.waiver.id if f.waiver else None) for f in waived] == [("advisory", "dev-reporting-single-az")]
    assert waived[0].message.startswith(f"[waived by exception dev-reporting-single-az: owner data-platform@example.com, "
                                        f"until {SOON}, ticket OPS-1234, reason: rebuilt nightly] Instance 'reporting-db'")


def test_evaluate_fails_an_expired_exception_naming_it():
    config = {"all": "mandatory", "rds-multi-az": {"exceptions": [{**RECORD, "expires": PAST, "stacks": []}]}}
    [finding] = _multi_az(evaluate([SINGLE_AZ], config))
    assert finding.level == "mandatory" and finding.waiver is None
    assert finding.message.startswith(f"[exception dev-reporting-single-az expired on {PAST}")


def test_evaluate_lists_stale_exceptions():
    config = {"rds-multi-az": {"exceptions": [RECORD, {**RECORD, "id": "gone", "resources": ["nothing"]}]}}
    stale = stale_exceptions([SINGLE_AZ], config, lambda r: "dev")
    assert [w.id for w in stale] == ["gone"]


def test_levels_from_config_refuses_a_bad_exception():
    with pytest.raises(ValueError, match="exception 'dev-reporting-single-az' of policy rds-multi-az: owner"):
        levels_from_config({"rds-multi-az": {"exceptions": [{k: v for k, v in RECORD.items() if k != "owner"}]}})


def test_a_urn_pattern_matches_a_component_child_by_its_own_type():
    child = "urn:pulumi:dev::rdsplatform::rdsplatform:index:Platform$aws:rds/instance:Instance::reporting-db"
    w = _waiver(resources=["urn:pulumi:dev::*::aws:rds/instance:Instance::reporting-*"])
    assert w.covers(child, "reporting-db") and not w.covers(child.replace("reporting", "orders"), "orders-db")
    assert _waiver(resources=["urn:pulumi:dev::*::*Platform$aws:rds/instance:Instance::*"]).covers(child, "reporting-db")
