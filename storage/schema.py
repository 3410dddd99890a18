"""The tables: plans, and their immutable versions (the workbook's bytes and what was read).

Names carry a `horizon_` prefix so that the tables can live in a PostgreSQL database shared
with other applications. The bytes are kept in the database itself, so several servers
pointed at one PostgreSQL serve the same versions without sharing a disk.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import (Column, DateTime, ForeignKey, Index, Integer, LargeBinary, MetaData,
                        String, Table, UniqueConstraint)
from sqlalchemy.types import TypeDecorator

metadata = MetaData()


class UTCDateTime(TypeDecorator):
    """An aware UTC datetime in, an aware UTC datetime out, whatever the database keeps
    (SQLite stores no time zone: the value is written as naive UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("arrival times are aware datetimes")
        value = value.astimezone(dt.timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc)


plans = Table(
    "horizon_plans", metadata,
    Column("id", Integer, primary_key=True),
    Column("slug", String(64), nullable=False, unique=True),
    Column("name", String(300), nullable=False),
    # The SHA-256 last read from the plan's source file: a restart, or a second worker,
    # that reads the same content again does not make it "arrive" again.
    Column("source_sha256", String(64)),
    Column("created_at", UTCDateTime, nullable=False),
)

versions = Table(
    "horizon_versions", metadata,
    Column("id", Integer, primary_key=True),
    Column("plan_id", Integer, ForeignKey("horizon_plans.id", ondelete="CASCADE"),
           nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("filename", String(300), nullable=False),
    # When these bytes last arrived (the same bytes sent again make the version the newest
    # again) and when they first did.
    Column("arrived_at", UTCDateTime, nullable=False),
    Column("first_arrived_at", UTCDateTime, nullable=False),
    Column("sender", String(200)),
    Column("label", String(200)),
    Column("size", Integer, nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("actions", Integer, nullable=False),
    Column("milestones", Integer, nullable=False),
    Column("problems", Integer, nullable=False),
    UniqueConstraint("plan_id", "sha256", name="uq_horizon_versions_plan_sha256"),
    Index("ix_horizon_versions_plan_arrived", "plan_id", "arrived_at"),
)
