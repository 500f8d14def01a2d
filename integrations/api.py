"""Integrations API: viewsets go on the shared router, other endpoints in `api_urls`."""

api_urls: list = []


def register(router):
    """Register this app's viewsets on the root API router."""
