"""Scorecards, payouts and DSP finances (built on the day-of-delivery events)."""
