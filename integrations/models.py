"""Integrations data."""
