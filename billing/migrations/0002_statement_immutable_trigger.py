"""On PostgreSQL the database itself keeps approved statements immutable: an approved or paid
statement may only move on to paid, and its lines can be neither added, changed nor removed.
Other databases (SQLite for `make run` on a bare machine) rely on the service checks."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION billing_statement_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.status <> 'draft' THEN
      RAISE EXCEPTION 'statement % is approved and cannot be deleted', OLD.id;
    END IF;
    RETURN OLD;
  END IF;
  IF OLD.status <> 'draft' AND (
       NEW.gross <> OLD.gross OR NEW.deductions <> OLD.deductions OR NEW.net <> OLD.net
       OR NEW.dsp_id <> OLD.dsp_id OR NEW.week_start <> OLD.week_start
       OR NEW.tier <> OLD.tier OR NEW.status = 'draft'
       OR (OLD.status = 'paid' AND NEW.status <> 'paid')) THEN
    RAISE EXCEPTION 'statement % is approved and immutable', OLD.id;
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER billing_statement_immutable BEFORE UPDATE OR DELETE ON billing_statement
  FOR EACH ROW EXECUTE FUNCTION billing_statement_guard();

CREATE OR REPLACE FUNCTION billing_statementline_guard() RETURNS trigger AS $$
DECLARE
  parent_status varchar;
BEGIN
  SELECT status INTO parent_status FROM billing_statement
    WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.statement_id ELSE NEW.statement_id END;
  IF parent_status IS NOT NULL AND parent_status <> 'draft' THEN
    RAISE EXCEPTION 'lines of an approved statement are immutable';
  END IF;
  IF TG_OP = 'UPDATE' THEN
    SELECT status INTO parent_status FROM billing_statement WHERE id = OLD.statement_id;
    IF parent_status <> 'draft' THEN
      RAISE EXCEPTION 'lines of an approved statement are immutable';
    END IF;
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER billing_statementline_immutable BEFORE INSERT OR UPDATE OR DELETE
  ON billing_statementline FOR EACH ROW EXECUTE FUNCTION billing_statementline_guard();
"""

DROP = """
DROP TRIGGER IF EXISTS billing_statementline_immutable ON billing_statementline;
DROP FUNCTION IF EXISTS billing_statementline_guard();
DROP TRIGGER IF EXISTS billing_statement_immutable ON billing_statement;
DROP FUNCTION IF EXISTS billing_statement_guard();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # A raw cursor: the messages' % placeholders are PL/pgSQL's, not query parameters.
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_scorecards_statements")]

    operations = [migrations.RunPython(forwards, backwards)]
