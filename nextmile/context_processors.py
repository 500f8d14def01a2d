"""Template context every page needs, knowing no DSP."""

from django.conf import settings


def site(request):
    return {
        "MAP_TILE_URL": settings.MAP_TILE_URL,
        "MAP_TILE_ATTRIBUTION": settings.MAP_TILE_ATTRIBUTION,
    }
