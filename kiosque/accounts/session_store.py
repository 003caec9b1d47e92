"""Django's database session store with fewer round trips, for SESSION_ENGINE.

Same table, same data, same guarantees; what changes is the number of queries:

- a new key is not looked up before use: 32 random characters of 36 (165 bits) never
  collide in practice, and the INSERT's unique key refuses a collision anyway (another key is
  then drawn, as Django does);
- `cycle_key()` (sign-in stages, `login()`) draws the new key and deletes the old row at
  once, but writes the new row only when the response saves the session: one INSERT with the
  final data instead of an INSERT now and an UPDATE at the end of the same request;
- deleting a row is one DELETE statement (Django reads the row first and wraps the DELETE in a
  transaction).

The old key stops working at `cycle_key()` as before. If the request then fails (no save on
a 5xx), the session is simply gone: the user signs in again.
"""

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import VALID_KEY_CHARS, CreateError
from django.utils.crypto import get_random_string


class SessionStore(db.SessionStore):
    @property
    def db(self):
        from django.db import router

        return router.db_for_write(self.model)

    def __init__(self, session_key=None):
        super().__init__(session_key)
        self._insert_pending = False

    def _get_new_session_key(self):
        return get_random_string(32, VALID_KEY_CHARS)

    def cycle_key(self):
        data = self._session
        old_key = self.session_key
        self._session_key = self._get_new_session_key()
        self._session_cache = data
        self._insert_pending = True
        self.modified = True
        if old_key:
            self.delete(old_key)

    def save(self, must_create=False):
        if not self._insert_pending:
            return super().save(must_create=must_create)
        while True:
            try:
                super().save(must_create=True)
            except CreateError:  # the drawn key exists: draw another
                self._session_key = self._get_new_session_key()
                continue
            self._insert_pending = False
            return

    def delete(self, session_key=None):
        if session_key is None or session_key == self.session_key:
            self._insert_pending = False
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        # A bare DELETE: no row read, no transaction around one statement (no signal or
        # relation to handle on this table).
        self.model.objects.filter(session_key=session_key)._raw_delete(self.db)
