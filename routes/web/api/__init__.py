"""API of routes (mounted in `nextmile/urls.py`): planning, the day of delivery and live."""
