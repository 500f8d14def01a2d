"""Statements: rate cards and thresholds, the lines a statement is built from, its life (draft,
approved, paid), disputes, the weekly close and its exports."""
