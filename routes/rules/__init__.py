"""The rules every part of routes (and billing and analytics, through `routes.selectors`) reads:
worked hours from punches, package and stop state from events. Pure functions of rows; no
queries."""
