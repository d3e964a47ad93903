from django.db import migrations

# Signed notes stay locked whatever the application asks. The setting that used to unlock
# them (`SET LOCAL waypoint.maintenance = 'on'`) could be set by any role; now only a window
# opened by a SECURITY DEFINER function unlocks them (core/migrations/0002):
# - 'maintenance' (waypoint_begin_maintenance, the maintenance role only): the ciphertext of
#   a signed note or an addendum may change (key rotation), and rows may be removed;
# - 'note erasure' (coaching_erase_client_notes, which the app may call when an account is
#   deleted): one client's notes and addenda are removed, and the window is closed again
#   before the function returns, so nothing else can be changed under it.
# Names are schema-qualified: the definer functions run with a fixed, safe search_path,
# and the triggers they fire run under it.
FORWARD = """
CREATE OR REPLACE FUNCTION coaching_note_maintenance() RETURNS boolean AS $$
    SELECT public.waypoint_in_window('maintenance');
$$ LANGUAGE sql STABLE;

CREATE OR REPLACE FUNCTION coaching_note_erasure() RETURNS boolean AS $$
    SELECT public.waypoint_in_window('maintenance') OR public.waypoint_in_window('note erasure');
$$ LANGUAGE sql STABLE;

CREATE OR REPLACE FUNCTION coaching_sessionnote_locked() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.signed_at IS NOT NULL AND NOT public.coaching_note_erasure() THEN
            RAISE EXCEPTION 'a signed session note is locked: DELETE refused' USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.signed_at IS NULL THEN
        RETURN NEW;
    END IF;
    IF NEW.booking_id <> OLD.booking_id OR NEW.author_id <> OLD.author_id OR NEW.format <> OLD.format
       OR NEW.signed_at IS DISTINCT FROM OLD.signed_at OR NEW.signed_by_name <> OLD.signed_by_name
       OR ((NEW.private, NEW.summary, NEW.homework, NEW.next_steps) IS DISTINCT FROM
           (OLD.private, OLD.summary, OLD.homework, OLD.next_steps) AND NOT public.coaching_note_maintenance()) THEN
        RAISE EXCEPTION 'a signed session note is locked: add an addendum instead' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION coaching_noteaddendum_locked() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND public.coaching_note_erasure() THEN
        RETURN OLD;
    END IF;
    IF TG_OP = 'UPDATE' AND public.coaching_note_maintenance() THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'an addendum is permanent: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION coaching_erase_client_notes(client bigint) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    erased integer;
BEGIN
    INSERT INTO public.core_privileged_window (xact, purpose) VALUES (txid_current(), 'note erasure')
        ON CONFLICT DO NOTHING;
    DELETE FROM public.coaching_noteaddendum a USING public.coaching_sessionnote n, public.bookings_booking b
        WHERE a.note_id = n.id AND n.booking_id = b.id AND b.client_id = client;
    DELETE FROM public.coaching_sessionnote n USING public.bookings_booking b
        WHERE n.booking_id = b.id AND b.client_id = client;
    GET DIAGNOSTICS erased = ROW_COUNT;
    DELETE FROM public.core_privileged_window WHERE xact = txid_current() AND purpose = 'note erasure';
    RETURN erased;
END;
$$;
REVOKE ALL ON FUNCTION coaching_erase_client_notes(bigint) FROM PUBLIC;
"""

BACKWARD = """
DROP FUNCTION IF EXISTS coaching_erase_client_notes(bigint);
CREATE OR REPLACE FUNCTION coaching_note_maintenance() RETURNS boolean AS $$
    SELECT coalesce(current_setting('waypoint.maintenance', true), '') = 'on';
$$ LANGUAGE sql STABLE;

CREATE OR REPLACE FUNCTION coaching_sessionnote_locked() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.signed_at IS NOT NULL AND NOT coaching_note_maintenance() THEN
            RAISE EXCEPTION 'a signed session note is locked: DELETE refused' USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.signed_at IS NULL THEN
        RETURN NEW;
    END IF;
    IF NEW.booking_id <> OLD.booking_id OR NEW.author_id <> OLD.author_id OR NEW.format <> OLD.format
       OR NEW.signed_at IS DISTINCT FROM OLD.signed_at OR NEW.signed_by_name <> OLD.signed_by_name
       OR ((NEW.private, NEW.summary, NEW.homework, NEW.next_steps) IS DISTINCT FROM
           (OLD.private, OLD.summary, OLD.homework, OLD.next_steps) AND NOT coaching_note_maintenance()) THEN
        RAISE EXCEPTION 'a signed session note is locked: add an addendum instead' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION coaching_noteaddendum_locked() RETURNS trigger AS $$
BEGIN
    IF NOT coaching_note_maintenance() THEN
        RAISE EXCEPTION 'an addendum is permanent: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

DROP FUNCTION IF EXISTS coaching_note_erasure();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("coaching", "0007_feed_expiry_and_initials"),
        ("bookings", "0001_initial"),
        ("core", "0002_privileged_windows"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
