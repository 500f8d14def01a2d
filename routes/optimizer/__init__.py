"""The route optimiser: plain Python + numpy + solver engines, no Django (see DESIGN.md)."""
