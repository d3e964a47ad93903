-- The three database roles Waypoint runs as, for development machines (`make run`, `make
-- test`). Production makes its own, with real passwords (README, "Deploying"). Safe to run
-- again. Needs a superuser (or CREATEROLE).
--   waypoint_owner        owns the tables; migrations connect as it (MIGRATION_DATABASE_URL)
--   waypoint_app          web, workers and beat (DATABASE_URL): owns nothing, no TRUNCATE
--   waypoint_maintenance  the app's rights, plus opening the window in which signed notes
--                         may be re-sealed (key rotation)
-- What each may do on the tables is granted by `migrate` itself (core/roles.py).
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'waypoint_owner') THEN
        CREATE ROLE waypoint_owner LOGIN PASSWORD 'waypoint-owner-dev';
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'waypoint_app') THEN
        CREATE ROLE waypoint_app LOGIN PASSWORD 'waypoint-app-dev' NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'waypoint_maintenance') THEN
        CREATE ROLE waypoint_maintenance LOGIN PASSWORD 'waypoint-maintenance-dev' NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
    END IF;
END
$$;
