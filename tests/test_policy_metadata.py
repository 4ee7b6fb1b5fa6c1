"""Each policy's structured metadata and the pack's own, as the Pulumi CLI reads them (GetAnalyzerInfo),
and "not applicable" as a run records it (AnalyzeResponse.not_applicable)."""

import re

import pytest

from preview.analyzer import analyze_request
from preview.harness import PROJECT_DIR, Registration
from rds_guardrails import fsbp, metadata
from rds_guardrails.controls import RESOURCE_RULES, STACK_RULES
from rds_guardrails.rule import TAGS

RULES = {r.name: r for r in RESOURCE_RULES + STACK_RULES}
SEVERITY = {"low": 1, "medium": 2, "high": 3, "critical": 4}  # analyzer.proto PolicySeverity
CONTROLS_PAGE = (PROJECT_DIR / "docs" / "controls.md").read_text()


def _served(pack):
    policies = list(pack.info.policies)
    assert {p.name for p in policies} == set(RULES)
    return policies


def test_every_served_policy_carries_the_metadata(pack):
    for p in _served(pack):
        rule = RULES[p.name]
        assert p.displayName == rule.description
        assert p.url == f"{metadata.DOCS_SITE}controls/#{p.name}"
        assert f'<a id="{p.name}"></a>' in CONTROLS_PAGE, p.name  # the URL's anchor exists in the docs
        # Remediation apart from the violation message: the fix, with no "Fix:" prefix of the message.
        assert p.remediation_steps.rstrip(".").lower() == rule.fix.lower() and "Fix:" not in p.remediation_steps
        assert p.tags and set(p.tags) <= set(TAGS), p.name
        assert p.severity == SEVERITY[rule.severity], p.name


@pytest.mark.parametrize("name", sorted(RULES))
def test_the_framework_names_the_fsbp_controls_and_checkov_ids(pack, name):
    served = {p.name: p for p in pack.info.policies}[name]
    controls, checkov = fsbp.controls_of(name), fsbp.checkov(RULES[name].anchors)
    framework = served.framework
    if controls:
        assert framework.name == "AWS Foundational Security Best Practices"
        assert framework.specification == fsbp.table()["source"]["controls"]
        assert re.findall(r"RDS\.\d+", framework.reference) == controls
        assert re.findall(r"CKV2?_AWS_\d+", framework.reference) == checkov
    elif checkov:
        assert (framework.name, framework.reference) == ("Checkov", ", ".join(checkov))
    else:
        assert not served.HasField("framework")


def test_the_pack_describes_itself(pack):
    info = pack.info
    yaml_description = re.search(r"^description: (.*)$", (PROJECT_DIR / "policies" / "PulumiPolicy.yaml").read_text(),
                                 flags=re.M).group(1)
    assert info.description == metadata.PACK_DESCRIPTION == yaml_description
    assert info.displayName == "RDS guard rails" and info.provider == "aws"
    assert info.repository == metadata.REPOSITORY
    answered = sum(1 for c in fsbp.controls() if "policies" in c)
    assert f"{answered} of the {len(fsbp.controls())} Security Hub RDS controls" in info.readme


def _registration(type_, props):
    return Registration(urn=f"urn:pulumi:test::proj::{type_}::r", type=type_, name="r", custom=True, parent="",
                        provider="", inputs=props, options={})


# (type, properties, policies expected in not_applicable, policies that must not be there)
NOT_APPLICABLE = [
    # A read replica is not judged by the primary-only controls; public access still is.
    ("aws:rds/instance:Instance", {"replicateSourceDb": "db1", "engine": "postgres", "publiclyAccessible": False},
     {"rds-multi-az", "rds-backup-retention", "rds-deletion-protection"}, {"rds-not-publicly-accessible"}),
    # Aurora PostgreSQL cannot backtrack; an Aurora cluster is not a Multi-AZ DB cluster.
    ("aws:rds/cluster:Cluster", {"engine": "aurora-postgresql", "clusterIdentifier": "c1"},
     {"rds-aurora-mysql-backtracking", "rds-cluster-auto-minor-version-upgrade"}, {"rds-storage-encrypted"}),
    ("aws:rds/cluster:Cluster", {"engine": "aurora-mysql", "clusterIdentifier": "c1"},
     {"rds-cluster-auto-minor-version-upgrade"}, {"rds-aurora-mysql-backtracking"}),
]


@pytest.mark.parametrize("type_, props, expected, judged", NOT_APPLICABLE, ids=["replica", "aurora-pg", "aurora-mysql"])
def test_a_policy_that_does_not_judge_a_resource_says_so(pack, type_, props, expected, judged):
    response = pack.stub.Analyze(analyze_request(_registration(type_, props)))
    reasons = {n.policy_name: n.reason for n in response.not_applicable}
    assert expected <= set(reasons) and not judged & set(reasons), reasons
    assert all(name in reason for name, reason in reasons.items())


def test_a_stack_without_the_types_a_stack_policy_judges_records_it(pack):
    topic = _registration("aws:sns/topic:Topic", {"kmsMasterKeyId": "arn:aws:kms:eu-west-1:1:key/k"})
    topic.outputs = topic.inputs
    from preview.analyzer import _struct, _options
    from pulumi.runtime.proto import analyzer_pb2
    request = analyzer_pb2.AnalyzeStackRequest(resources=[analyzer_pb2.AnalyzerResource(
        type=topic.type, properties=_struct(topic.inputs), urn=topic.urn, name=topic.name, options=_options(topic))])
    names = {n.policy_name for n in pack.stub.AnalyzeStack(request).not_applicable}
    assert {"rds-cluster-multi-az", "rds-snapshot-encrypted", "rds-backup-plan"} <= names
