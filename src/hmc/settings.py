"""Settings, read from the environment with the prefix ``HMC_``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every setting hmc reads. Each is documented in docs/settings.md."""

    model_config = SettingsConfigDict(env_prefix="HMC_")

    database_url: str = f"sqlite:///{Path.cwd() / 'hmc.db'}"
    """SQLAlchemy URL of the app database; a SQLite file in the working directory by default."""

    analytics_url: str = "app"
    """Where indicators are computed: ``app`` (the app database), ``duckdb``, ``spark``, or
    ``duckdb:FILE`` / ``spark:FILE`` over an events file (see docs/indicators.md)."""

    default_commission: str = "hmc-iraq-2024"
    """The commission shown when none is named."""

    threads: int = Field(default=16, ge=1, le=256)
    """Worker threads of the web server; the database pool holds as many connections."""

    link_days: int = Field(default=1, ge=0, le=30)
    """Reports of two sources are linked as one event only if their dates are this many days
    apart at most (0: the same day)."""

    link_km: float = Field(default=10.0, ge=0, le=500)
    """... and their places at most this many kilometres apart (see docs/evidence.md)."""

    agenda_p50_weeks: int = Field(default=4, ge=0, le=520)
    """A meeting's agenda lists a gate whose projected P50 date moved more than this many weeks
    since the previous meeting."""

    lang: str = "en"
    """The language commands print in: en or ar (a command's ``hmc --lang`` wins)."""

    session_hours: int = Field(default=12, ge=1, le=24 * 30)
    """How long a sign-in lasts before the member signs in again."""

    trusted_proxies: str = "127.0.0.1"
    """Addresses of the proxies whose ``X-Forwarded-For`` and ``X-Forwarded-Proto`` headers
    ``hmc serve`` believes (comma-separated, or ``*``): the sign-in limits then count the
    member's own address, and cookies are marked secure when the proxy spoke HTTPS."""


@lru_cache
def get_settings() -> Settings:
    """The settings of this process (read once)."""
    return Settings()
