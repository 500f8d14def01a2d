"""Analytics data."""
