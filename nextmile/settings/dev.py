"""Local development: the base settings as they are (DEBUG on unless the environment says not)."""

from .base import *  # noqa: F403
