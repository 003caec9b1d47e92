"""Kiosque: identity and access portal for a regional e-health platform."""
