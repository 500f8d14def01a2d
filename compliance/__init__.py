"""Program standards: compliance actions against DSPs and DSP offboarding."""
