"""Forecasts of indicator series: sample paths with honest uncertainty, and their backtests."""

PATHS = 1000  # sample paths a forecast draws, unless asked for another number

__all__ = ["PATHS"]
