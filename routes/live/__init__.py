"""Live: location pings, progress, pace and ETAs computed on read."""
