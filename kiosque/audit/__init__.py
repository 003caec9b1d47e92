"""The append-only audit log. Other apps call `kiosque.audit.services.record(...)`."""
