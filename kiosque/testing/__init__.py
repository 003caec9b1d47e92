"""Shared pytest fixtures for Kiosque's test suites (registered in the root conftest.py)."""
