"""A crafted name, region, tag or message cannot inject links, HTML, table breaks or Mermaid
syntax into the Markdown summary, nor links into SARIF messages."""

import re

import pytest
from markdown_it import MarkdownIt

from plan.registration import Plan, Registration
from preview.analyzer import Violation
from preview.diff import Change, PlanDiff
from preview.report import StackResult, code, mermaid, to_markdown
from preview.sarif import to_sarif

HOSTILE = [
    "[click](https://evil.example)",
    "<img src=x onerror=alert(1)>",
    "a | b | c",
    "`` ` code ```",
    "x\"] --> evil[\"pwned",
    "line\nbreak ```\n# heading",
    "https://evil.example/autolink",
    "&lt;script&gt; &amp;",
    "*bold* _em_ ~~strike~~ ![image](https://evil.example/i.png)",
]


def _plan(hostile: str) -> Plan:
    db = Registration(urn=f"urn:pulumi:s::p::aws:rds/instance:Instance::{hostile}", type="aws:rds/instance:Instance",
                      name=hostile, custom=True, parent="", provider="",
                      inputs={"region": hostile, "tags": {hostile: hostile}}, options={},
                      outputs={"arn": "arn:aws:rds:x:1:db:y"}, id="db-1")
    return Plan(stack="s", config={}, resources=[db])


def _result(hostile: str) -> StackResult:
    urn = f"urn:pulumi:s::p::aws:rds/instance:Instance::{hostile}"
    return StackResult(
        stack=hostile, plan=_plan(hostile),
        violations=[Violation(policy=hostile, level="mandatory", message=f"first\n{hostile}", urn=urn)],
        diff=PlanDiff(baseline=hostile, changes=[Change(urn=urn, type="aws:rds/instance:Instance", name=hostile,
                                                        action="replace", properties=(hostile,))]))


def _html(markdown: str) -> str:
    return MarkdownIt("commonmark").enable("table").render(markdown)


@pytest.mark.parametrize("hostile", HOSTILE)
def test_markdown_renders_hostile_strings_as_text(hostile):
    markdown = to_markdown(_result(hostile))
    html = _html(markdown)
    assert "<a " not in html and "<img" not in html and "<em>" not in html and "<del>" not in html
    assert html.count("<strong>") == 1  # the verdict's own
    # Every table keeps its columns: 2 for counts, 4 for violations, 5 for the diff.
    rows = [line for line in markdown.splitlines() if line.startswith("|")]
    assert rows
    for row in rows:
        cells = re.split(r"(?<!\\)\|", row)[1:-1]
        assert len(cells) in (2, 4, 5), row
    # Outside code, nothing of the hostile text survives as markup; inside code it is literal.
    assert "<code>" in html
    without_code = re.sub(r"<code[^>]*>.*?</code>", "", html, flags=re.S)
    assert "evil" not in without_code and "heading" not in without_code


@pytest.mark.parametrize("hostile", HOSTILE)
def test_the_error_block_cannot_be_closed_from_inside(hostile):
    html = _html(to_markdown(StackResult(stack="s", error=f"bad value {hostile}\n```\n[x](https://evil.example)")))
    assert "<a " not in html and "<img" not in html
    assert html.count("<pre>") == 1 and "https://evil.example" in html.split("<pre>")[1]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_mermaid_labels_cannot_break_out(hostile):
    diagram = mermaid(_plan(hostile))
    lines = diagram.splitlines()
    assert lines[0] == "flowchart LR" and len(lines) == 4  # header, subgraph, one node, end
    assert "```" not in diagram and "<img" not in diagram and "-->" not in diagram
    for line in lines[1:3]:
        assert line.count('"') == 2, line  # the label's own quotes only


def test_code_spans_outlast_any_backtick_run():
    assert code("a ``` b") == "````a ``` b````"
    assert code("`x`") == "`` `x` ``"


@pytest.mark.parametrize("hostile", HOSTILE)
def test_sarif_messages_carry_no_embedded_links(hostile):
    sarif = to_sarif([_result(hostile)], {}, "1.0.0")
    messages = [r["message"]["text"] for run in sarif["runs"] for r in run["results"]]
    assert len(messages) == 2
    for text in messages:
        # SARIF §3.11.6: an unescaped [..](..) would be an embedded link.
        assert not re.search(r"(?<!\\)\[[^\]]*(?<!\\)\]\(", text), text
        assert "\n" not in text
