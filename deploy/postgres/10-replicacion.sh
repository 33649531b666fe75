#!/bin/sh
# Run once by the postgres image when it creates the database: the replica (compose profile `replica`) may
# connect for streaming replication with the conoceles role's password. See docs/operations.md.
set -e
echo "host replication conoceles all scram-sha-256" >> "$PGDATA/pg_hba.conf"
