"""What shows that a Multi-AZ instance really failed over: RDS's failover events, or a new primary AZ.

AWS sources relied on:
- RDS User Guide, "Amazon RDS event categories and event messages" -> DB instance events
  (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Events.Messages.html), category
  `failover`: RDS-EVENT-0013 "A Multi-AZ failover that resulted in the promotion of a standby
  instance has started", RDS-EVENT-0015 "... is complete", RDS-EVENT-0049 "A Multi-AZ failover
  has completed", and RDS-EVENT-0034 "Amazon RDS is not attempting a requested failover because a
  failover recently occurred on the DB instance" (same category, the opposite of evidence).
- RDS API Reference, Event data type (API_Event.html): DescribeEvents gives an event's Date,
  EventCategories, Message, SourceIdentifier and SourceType -- not its event ID -- so an event is
  read by its category and its message: a `failover` event saying the failover completed is
  evidence, one saying RDS is not attempting it is a refusal, a started one alone is neither.
- RDS User Guide, "Multi-AZ DB instance deployments" -> "Failover process for Amazon RDS": the
  standby in another Availability Zone becomes the primary ("When the failover is complete, it
  can take additional time for the RDS console to reflect the new Availability Zone"), so a
  changed `AvailabilityZone` is evidence too, and an unchanged one is not a refusal.
- RDS User Guide, "Monitoring Amazon RDS events" -> "Overview of events for Amazon RDS": "Amazon
  RDS emits events on a best effort basis ... avoid writing programs that depend on the order or
  existence of notification events" -- so events that cannot be read leave the AZ as the evidence.
- A refusal (RDS-EVENT-0034) may be recorded while the request is processed, before the reboot's
  answer: refusals count from the answer of the describe call made just before the request,
  completed failovers only from the request's own answer (both the server's Date header).
"""

from __future__ import annotations

import datetime
import email.utils
import re
from dataclasses import dataclass, field
from typing import Any, Optional

from operations.identifiers import same_identifier

CATEGORY = "failover"
_COMPLETED = re.compile(r"failover\b.*\bcomplete", re.IGNORECASE)
_NOT_ATTEMPTED = re.compile(r"\bnot attempting\b", re.IGNORECASE)
# The server's Date header has whole seconds: an event of the same second as the request counts.
_HEADER_ROUNDING = datetime.timedelta(seconds=1)


@dataclass
class Verdict:
    """Whether the failover is confirmed, by what, and what was looked at."""

    confirmed: bool
    evidence: list[str] = field(default_factory=list)
    refusal: Optional[str] = None
    events: list[dict[str, Any]] = field(default_factory=list)


def request_time(response: dict[str, Any], fallback: datetime.datetime) -> datetime.datetime:
    """When AWS answered the request (its Date header: no local clock skew), else `fallback`."""
    header = ((response.get("ResponseMetadata") or {}).get("HTTPHeaders") or {}).get("date")
    try:
        return email.utils.parsedate_to_datetime(header) - _HEADER_ROUNDING if header else fallback
    except (TypeError, ValueError):
        return fallback


def failover_events(rds: Any, identifier: str, since: datetime.datetime) -> list[dict[str, Any]]:
    """The instance's `failover` events dated `since` or later, filtered here too (an endpoint may ignore the filters)."""
    found = []
    pages = rds.get_paginator("describe_events").paginate(
        SourceIdentifier=identifier, SourceType="db-instance", StartTime=since, EventCategories=[CATEGORY])
    for page in pages:
        for event in page.get("Events") or []:
            date = event.get("Date")
            if (same_identifier(event.get("SourceIdentifier", ""), identifier) and CATEGORY in (event.get("EventCategories") or [])
                    and isinstance(date, datetime.datetime) and date >= since):
                found.append({"date": date, "message": event.get("Message", "")})
    return found


def judge(events: list[dict[str, Any]], az_before: Optional[str], az_after: Optional[str],
          completed_since: Optional[datetime.datetime] = None) -> Verdict:
    """Confirmed by a completed-failover event (dated `completed_since` or later) or a new primary AZ;
    refused by RDS's "not attempting" event."""
    evidence = [f"event {e['date'].isoformat()}: {e['message']}" for e in events if _COMPLETED.search(e["message"])
                and (completed_since is None or e["date"] >= completed_since)]
    if az_before and az_after and az_after != az_before:
        evidence.append(f"the primary moved from {az_before} to {az_after}")
    refusal = next((e["message"] for e in events if _NOT_ATTEMPTED.search(e["message"])), None)
    return Verdict(confirmed=bool(evidence) and refusal is None, evidence=evidence, refusal=refusal, events=events)
