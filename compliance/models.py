"""Compliance data."""
