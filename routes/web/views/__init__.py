"""Pages of routes: planning (manifests, plans, routes), the day of delivery (dispatch board,
driver's day, tracking page) and live (board, disruptions, re-plans, messages)."""
