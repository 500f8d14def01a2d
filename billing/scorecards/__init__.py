"""Scorecards: the weekly metrics, tiers and their stored cards."""
