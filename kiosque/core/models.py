from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RateLimitCounter(models.Model):
    """The one table of the rate limiter (core/ratelimit.py): a counter per rate and key.

    Kept in the database so that limits hold across processes and nodes and survive a Redis
    outage. `count` restarts at 1 when the previous hit is older than the current window
    (fixed windows) or than the rate's period (failure counters); `locked_until` is set when
    a failure counter reached its limit."""

    # The key is the primary key: a hit is one `save(update_fields=...)`, an UPDATE whose
    # RETURNING gives the new count (Django refreshes fields assigned expressions).
    key = models.CharField(_("clé"), max_length=255, primary_key=True)
    count = models.PositiveIntegerField(_("compte"), default=0)
    last_hit_at = models.DateTimeField(_("dernier passage"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expire le"), db_index=True)
    locked_until = models.DateTimeField(_("bloqué jusqu'au"), null=True, blank=True)

    class Meta:
        verbose_name = _("compteur de limite")
        verbose_name_plural = _("compteurs de limites")

    def __str__(self):
        return f"{self.key}={self.count}"


class JobRun(models.Model):
    """Ledger of periodic jobs (core/jobs.py): who may run a job next, and how its last run went."""

    name = models.CharField(_("tâche"), max_length=100, unique=True)
    next_run_at = models.DateTimeField(_("prochaine exécution"), default=timezone.now)
    last_started_at = models.DateTimeField(_("dernier début"), null=True, blank=True)
    last_finished_at = models.DateTimeField(_("dernière fin"), null=True, blank=True)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    runs = models.PositiveIntegerField(_("exécutions"), default=0)

    class Meta:
        verbose_name = _("tâche périodique")
        verbose_name_plural = _("tâches périodiques")
        ordering = ["name"]

    def __str__(self):
        return self.name
