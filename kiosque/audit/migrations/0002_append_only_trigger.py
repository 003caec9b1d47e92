"""The database itself refuses to rewrite audit events, so not even raw SQL can.

PostgreSQL refuses UPDATE and DELETE (TRUNCATE stays possible for the test suite's
flush and for an operator's deliberate purge). SQLite refuses UPDATE; its DELETE guard
is the ORM's, because Django flushes SQLite test databases with DELETE."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION kiosque_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_auditevent_append_only
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION kiosque_audit_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS audit_auditevent_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS kiosque_audit_append_only();
"""


SQLITE_CREATE = """
CREATE TRIGGER audit_auditevent_no_update BEFORE UPDATE ON audit_auditevent
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
"""
SQLITE_DROP = "DROP TRIGGER IF EXISTS audit_auditevent_no_update;"


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(CREATE)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_CREATE)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(DROP)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
