"""Program console: network coverage, capacity, fair allocation and peak planning."""
