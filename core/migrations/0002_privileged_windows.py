from django.db import migrations

# Some rows are guarded by triggers that no one may get round by asking: the audit trail,
# signed session notes. A few changes to them are still legitimate (re-sealing notes under
# a new key, forgetting old IP addresses, erasing a deleted account's notes). Each is made
# inside a "window" that a SECURITY DEFINER function opens for the current transaction
# only, by writing a row here. The application role may not write this table, nor call
# the function that opens the maintenance window (core/roles.py grants that to the
# maintenance role alone), so the app cannot switch the guards off for itself: a plain
# setting such as `SET waypoint.maintenance = 'on'` could be set by anyone, this cannot.
FORWARD = """
CREATE TABLE core_privileged_window (
    xact bigint NOT NULL,
    purpose text NOT NULL,
    opened_at timestamptz NOT NULL DEFAULT now(),
    opened_by name NOT NULL DEFAULT session_user,
    PRIMARY KEY (xact, purpose)
);

-- Asked by the triggers, which run as whoever changes the row (who may not read the table).
CREATE FUNCTION waypoint_in_window(wanted text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT EXISTS (
        SELECT 1 FROM public.core_privileged_window w WHERE w.xact = txid_current() AND w.purpose = wanted
    )
$$;

-- Key rotation and other maintenance of signed notes: only the maintenance role may call it.
CREATE FUNCTION waypoint_begin_maintenance() RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    INSERT INTO public.core_privileged_window (xact, purpose) VALUES (txid_current(), 'maintenance')
    ON CONFLICT DO NOTHING
$$;
REVOKE ALL ON FUNCTION waypoint_begin_maintenance() FROM PUBLIC;
"""

BACKWARD = """
DROP FUNCTION IF EXISTS waypoint_begin_maintenance();
DROP FUNCTION IF EXISTS waypoint_in_window(text);
DROP TABLE IF EXISTS core_privileged_window;
"""


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
