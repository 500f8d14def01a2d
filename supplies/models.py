"""Supplies data."""
