#!/usr/bin/env bash
# Starts the local PostgreSQL 15 server and creates the test role and database (idempotent).
set -euo pipefail
if ! command -v pg_ctlcluster >/dev/null 2>&1 || [[ ! -d /usr/lib/postgresql/15 ]]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql-15
fi
if ! pg_lsclusters -h | grep -q '^15 *main'; then
  pg_createcluster 15 main
fi
pg_lsclusters -h | grep -q '^15 *main .* online' || pg_ctlcluster 15 main start
for _ in $(seq 1 30); do
  su postgres -c "pg_isready -q" && break
  sleep 1
done
su postgres -c "psql -qtAc \"select 1 from pg_roles where rolname = 'kiln'\"" | grep -q 1 \
  || su postgres -c "psql -qc \"create role kiln login password 'kiln'\""
for db in kiln_test kiln_e2e; do
  su postgres -c "psql -qtAc \"select 1 from pg_database where datname = '$db'\"" | grep -q 1 \
    || su postgres -c "createdb -O kiln $db"
done
echo "PostgreSQL 15 is up with databases kiln_test (backend tests) and kiln_e2e (fleet tests)"
