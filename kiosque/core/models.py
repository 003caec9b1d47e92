from django.db import models


class RateLimitCounter(models.Model):
    """One fixed-window counter. Kept in the database so that limits hold across
    processes and nodes and survive a Redis outage."""

    key = models.CharField(max_length=255, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.key}={self.count}"
