"""Webhooks: subscribers, signed deliveries with retries, and their log."""
