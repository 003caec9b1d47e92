"""The provider's endpoints (provider.py) and the Pro Santé Connect client's pages (psc.py)."""
