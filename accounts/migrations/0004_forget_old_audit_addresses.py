from django.db import migrations

# The audit trail stays append-only, with one exception: an old line's IP address may be
# forgotten (set to NULL, nothing else touched), and only through
# accounts_auditevent_forget_ips, which opens a window for it in its own transaction and
# closes it again before returning. The app role may call it (`manage.py
# forget_audit_addresses` runs it with AUDIT_IP_RETENTION_DAYS); it refuses a cut-off less
# than a day old, so the app cannot use it to wipe the addresses of what just happened.
FORWARD = """
CREATE OR REPLACE FUNCTION accounts_auditevent_refuse_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.ip IS NULL AND OLD.ip IS NOT NULL
       AND to_jsonb(NEW) - 'ip' = to_jsonb(OLD) - 'ip'
       AND public.waypoint_in_window('forget audit addresses') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the audit trail is append-only: % refused on accounts_auditevent', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION accounts_auditevent_forget_ips(older_than timestamptz) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    forgotten bigint;
BEGIN
    IF older_than > now() - interval '1 day' THEN
        RAISE EXCEPTION 'audit addresses are kept for at least a day (asked to forget those before %)', older_than
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    INSERT INTO public.core_privileged_window (xact, purpose) VALUES (txid_current(), 'forget audit addresses')
        ON CONFLICT DO NOTHING;
    UPDATE public.accounts_auditevent SET ip = NULL WHERE at < older_than AND ip IS NOT NULL;
    GET DIAGNOSTICS forgotten = ROW_COUNT;
    DELETE FROM public.core_privileged_window WHERE xact = txid_current() AND purpose = 'forget audit addresses';
    RETURN forgotten;
END;
$$;
REVOKE ALL ON FUNCTION accounts_auditevent_forget_ips(timestamptz) FROM PUBLIC;
"""

BACKWARD = """
DROP FUNCTION IF EXISTS accounts_auditevent_forget_ips(timestamptz);
CREATE OR REPLACE FUNCTION accounts_auditevent_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: % refused on accounts_auditevent', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_team_invitations_and_session_stamp"), ("core", "0002_privileged_windows")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
