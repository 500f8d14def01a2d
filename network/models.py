"""Network data."""
