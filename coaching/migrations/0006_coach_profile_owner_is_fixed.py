from django.db import migrations

# A coach profile carries the coach's bookings and signed notes. Moving it to another
# account would hand all of them over silently, so the database refuses it, whatever
# code (or admin) asks.
FORWARD = """
CREATE OR REPLACE FUNCTION coaching_coachprofile_owner_fixed() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'a coach profile belongs to one account for good: changing user_id refused'
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER coaching_coachprofile_owner_fixed
    BEFORE UPDATE OF user_id ON coaching_coachprofile
    FOR EACH ROW WHEN (NEW.user_id IS DISTINCT FROM OLD.user_id)
    EXECUTE FUNCTION coaching_coachprofile_owner_fixed();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS coaching_coachprofile_owner_fixed ON coaching_coachprofile;
DROP FUNCTION IF EXISTS coaching_coachprofile_owner_fixed();
"""


class Migration(migrations.Migration):
    dependencies = [("coaching", "0005_session_notes_move_to_bookings")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
