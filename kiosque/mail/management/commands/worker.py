"""`kiosque worker`: deliver the outbox and run periodic jobs until SIGTERM/SIGINT."""

import logging
import signal
import threading

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from kiosque.core import jobs
from kiosque.mail import app_settings
from kiosque.mail.delivery import PassResult, deliver_due

logger = logging.getLogger("kiosque.mail")


class Command(BaseCommand):
    help = (
        "Delivers pending e-mails of the outbox and runs due periodic jobs, until SIGTERM or "
        "SIGINT (the message in flight is finished first)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="One delivery pass and due jobs, then exit."
        )
        parser.add_argument(
            "--poll",
            type=float,
            default=None,
            metavar="SECONDS",
            help="Pause between passes (default: KIOSQUE_MAIL_POLL_SECONDS).",
        )
        parser.add_argument(
            "--no-jobs", action="store_true", help="Deliver e-mails only, run no periodic job."
        )

    def handle(self, *args, once=False, poll=None, no_jobs=False, **options):
        poll = app_settings.MAIL_POLL_SECONDS if poll is None else poll
        stop = threading.Event()
        self._install_signal_handlers(stop)
        if not no_jobs:
            jobs.discover()
        logger.info("worker started once=%s poll=%s", once, poll)
        total = PassResult()
        while not stop.is_set():
            close_old_connections()
            try:
                total.add(deliver_due(should_stop=stop.is_set))
                if not no_jobs:
                    jobs.run_due(should_stop=stop.is_set)
            except Exception as exc:
                if once:
                    raise CommandError(f"Delivery pass failed: {type(exc).__name__}") from exc
                logger.exception("worker pass failed; retrying after the poll delay")
                close_old_connections()
            if once:
                break
            stop.wait(poll)
        close_old_connections()
        logger.info("worker stopped sent=%s", total.sent)
        self.stdout.write(
            f"sent={total.sent} retried={total.retried} failed={total.failed} "
            f"released={total.released}"
        )

    @staticmethod
    def _install_signal_handlers(stop: threading.Event) -> None:
        def request_stop(signum, frame):
            logger.info("worker stopping on signal %s", signum)
            stop.set()

        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, request_stop)
            signal.signal(signal.SIGINT, request_stop)
