"""Backup and maintenance windows: their formats, and whether they overlap (RDS refuses that)."""

from __future__ import annotations

import re

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_MINUTES = 24 * 60
WEEK_MINUTES = 7 * DAY_MINUTES


def clock(text: str) -> int:
    """Minutes since midnight of hh24:mi."""
    hours, minutes = int(text[:2]), int(text[3:])
    if hours > 23 or minutes > 59:
        raise ValueError(f"{text} is not a time of day")
    return hours * 60 + minutes


def daily_window(text: str) -> tuple[int, int]:
    """Parse hh24:mi-hh24:mi into (start, length) in minutes; RDS wants at least 30."""
    if not re.fullmatch(r"\d\d:\d\d-\d\d:\d\d", text):
        raise ValueError("must be hh24:mi-hh24:mi in UTC, e.g. 03:00-04:00")
    start, end = clock(text[:5]), clock(text[6:])
    length = (end - start) % DAY_MINUTES
    if length < 30:
        raise ValueError("must be at least 30 minutes long")
    return start, length


def weekly_window(text: str) -> tuple[int, int]:
    """Parse ddd:hh24:mi-ddd:hh24:mi into (start-of-week minute, length)."""
    match = re.fullmatch(r"([a-z]{3}):(\d\d:\d\d)-([a-z]{3}):(\d\d:\d\d)", text.lower())
    if not match or match.group(1) not in DAYS or match.group(3) not in DAYS:
        raise ValueError("must be ddd:hh24:mi-ddd:hh24:mi in UTC, e.g. sun:05:00-sun:06:00")
    start = DAYS.index(match.group(1)) * DAY_MINUTES + clock(match.group(2))
    end = DAYS.index(match.group(3)) * DAY_MINUTES + clock(match.group(4))
    length = (end - start) % WEEK_MINUTES
    if length < 30:
        raise ValueError("must be at least 30 minutes long")
    return start, length


def windows_overlap(backup: str, maintenance: str) -> bool:
    """Whether the daily backup window meets the weekly maintenance window on any day."""
    b_start, b_len = daily_window(backup)
    m_start, m_len = weekly_window(maintenance)
    for day in range(7):
        start = day * DAY_MINUTES + b_start
        # Compare on a circle of one week: two arcs overlap if either starts inside the other.
        if (start - m_start) % WEEK_MINUTES < m_len or (m_start - start) % WEEK_MINUTES < b_len:
            return True
    return False
