from django.db import models


class RateLimitCounter(models.Model):
    """The one table of the rate limiter (core/ratelimit.py): a counter per rate and key.

    Kept in the database so that limits hold across processes and nodes and survive a Redis
    outage. `count` restarts at 1 when the previous hit is older than the current window
    (fixed windows) or than the rate's period (failure counters); `locked_until` is set when
    a failure counter reached its limit."""

    key = models.CharField(max_length=255, unique=True)
    count = models.PositiveIntegerField(default=0)
    last_hit_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(db_index=True)
    locked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.key}={self.count}"
