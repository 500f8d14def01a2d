"""Manifests: the import of a day's packages into stops, and their allocation to DSP
territories."""
