#!/usr/bin/env bash
# Makes sure PostgreSQL and Redis answer, starting (or, as root, installing) them if needed.
# DATABASE_URL / REDIS_URL win when set: then we only check that they answer.
set -euo pipefail

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else "$@"; fi; }

apt_install() {
  if ! command -v apt-get >/dev/null; then
    echo "Please install: $*" >&2; exit 1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null || {
    as_root apt-get update -q >/dev/null && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null
  }
}

postgres_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
redis_up() { (exec 3<>/dev/tcp/127.0.0.1/6379 && printf 'PING\r\n' >&3 && head -c 5 <&3 | grep -q PONG) 2>/dev/null; }

if [ -z "${DATABASE_URL:-}" ]; then
  if ! postgres_up; then
    command -v pg_ctlcluster >/dev/null || apt_install postgresql
    version=$(ls /etc/postgresql | sort -n | tail -1)
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    for _ in $(seq 1 30); do postgres_up && break; sleep 1; done
    postgres_up || { echo "PostgreSQL did not start on 127.0.0.1:5432" >&2; exit 1; }
  fi
  # Trust auth for the local postgres user is how our machines are set up; try it, else use peer auth.
  if ! psql -h 127.0.0.1 -U postgres -tAc "SELECT 1" >/dev/null 2>&1; then
    echo "Cannot connect to PostgreSQL as postgres@127.0.0.1; set DATABASE_URL." >&2; exit 1
  fi
fi

# The owner, application and maintenance roles (scripts/roles.sql), made with whatever
# account the suite connects as; `make test` connects as the app role in one test.
admin=(-h 127.0.0.1 -U postgres)
[ -n "${DATABASE_URL:-}" ] && admin=("$DATABASE_URL")
if ! psql "${admin[@]}" -q -v ON_ERROR_STOP=1 -f scripts/roles.sql >/dev/null 2>&1; then
  echo "Could not create the database roles (scripts/roles.sql needs a superuser); the role test will fail." >&2
fi

if [ -z "${DATABASE_URL:-}" ]; then
  # `make run`'s database belongs to the owner role: migrations run as it, the app does not.
  if psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='waypoint'" | grep -q 1; then
    psql -h 127.0.0.1 -U postgres -d waypoint -q -v ON_ERROR_STOP=1 -f scripts/own_database.sql >/dev/null
  else
    createdb -h 127.0.0.1 -U postgres -O waypoint_owner waypoint
  fi
fi

if [ -z "${REDIS_URL:-}" ]; then
  if ! redis_up; then
    command -v redis-server >/dev/null || apt_install redis-server
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no
    for _ in $(seq 1 20); do redis_up && break; sleep 0.5; done
    redis_up || { echo "Redis did not start on 127.0.0.1:6379" >&2; exit 1; }
  fi
fi
echo "PostgreSQL and Redis are answering."
