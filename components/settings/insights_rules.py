"""Rules across keys about Performance Insights and CloudWatch Database Insights.

Sources (docs/aws-rules.md lists them with the tests):
- engine x class support: RDS / Aurora User Guide, "... DB engine, Region, and instance class
  support for Database Insights", column "Instance class restrictions" (catalog.INSIGHTS_DOC);
- advanced mode: RDS / Aurora User Guide, "Considerations for Database Insights": "To enable the
  Advanced mode of Database Insights, you must enable Performance Insights and set the
  Performance Insights retention period to at least 465 days."
  https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_DatabaseInsights.Considerations.html
"""

from __future__ import annotations

from components import catalog
from components.settings.base import config_key
from components.settings.model import Settings

CONSIDERATIONS_DOC = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_DatabaseInsights.Considerations.html"


def _doc(s: Settings) -> str:
    return catalog.INSIGHTS_DOC["aurora" if s.is_aurora else "rds"]


def _shown(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else repr(value)


def _classes(s: Settings) -> list[tuple[str, str]]:
    """(config key, class) of every instance the stack's own database runs on."""
    if s.is_aurora and s.cluster.serverless:
        return []  # every instance is db.serverless, which Database Insights supports
    classes = [("instanceClass", s.instance_class)]
    if s.is_aurora and s.cluster.reader_instance_class:
        classes.append(("cluster.readerInstanceClass", s.cluster.reader_instance_class))
    return classes


def insights_problems(s: Settings) -> list[str]:
    """Performance Insights / Database Insights only on classes that support them; advanced mode
    only with Performance Insights kept at least 465 days."""
    problems: list[str] = []
    key = config_key
    di = s.database_insights
    for name, instance_class in _classes(s):
        if catalog.insights_supported(s.engine, instance_class):
            continue
        for setting, on in (("performanceInsights", s.performance_insights), ("databaseInsights", di)):
            if on:
                problems.append(
                    f"{key(setting)} = {_shown(on)} with {key(name)} = {instance_class!r}: {s.engine} has no "
                    f"Performance Insights / Database Insights on this class; turn {setting} off or choose "
                    f"a larger class (see {_doc(s)})")
    for i, replica in enumerate(s.replicas):
        instance_class = replica.instance_class or s.instance_class
        where = f"{key('replicas')}.{i} ({replica.name})"
        if catalog.insights_supported(s.engine, instance_class):
            if di == "advanced" and not replica.performance_insights:
                problems.append(
                    f"{where}.performanceInsights = false with {key('databaseInsights')} = 'advanced': "
                    f"the advanced mode needs Performance Insights on every instance (see {CONSIDERATIONS_DOC})")
            continue
        for setting, on in (("performanceInsights", replica.performance_insights), ("databaseInsights", di)):
            if on:
                problems.append(
                    f"{where}: {setting} = {_shown(on)} on {instance_class!r}: {s.engine} has no Performance "
                    f"Insights / Database Insights on this class; set {where}.performanceInsights: false "
                    f"(and leave databaseInsights unset) or choose a larger instanceClass (see {_doc(s)})")
    if di == "advanced":
        minimum = catalog.DATABASE_INSIGHTS_ADVANCED_MIN_RETENTION_DAYS
        if not s.performance_insights:
            problems.append(
                f"{key('databaseInsights')} = 'advanced' with {key('performanceInsights')} = false: the "
                f"advanced mode needs Performance Insights on (see {CONSIDERATIONS_DOC})")
        if s.performance_insights_retention_days < minimum:
            problems.append(
                f"{key('databaseInsights')} = 'advanced' with {key('performanceInsightsRetentionDays')} = "
                f"{s.performance_insights_retention_days}: the advanced mode needs at least {minimum} days "
                f"(a valid value: 465 or more, e.g. 496 or 731; see {CONSIDERATIONS_DOC})")
    return problems
