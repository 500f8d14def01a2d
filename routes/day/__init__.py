"""The day of delivery: assignment, punches and shifts, deliveries and scans, tracking links,
messages and SMS."""
