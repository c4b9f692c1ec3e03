#!/bin/sh
# Prints fresh secrets for docker-compose.yml in the .env format compose reads:
#
#   (umask 077; sh deploy/env.sh > .env)
#
# Each value is a letter and 48 hex digits: safe in a URL (DATABASE_URL, NATS_URL) and in
# nats.conf, which parses a value starting with a digit as a number. Run it once: the
# PostgreSQL volume keeps the password of its first start (docs/deploy.md).
set -eu

secret() {
	printf 's%s' "$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
}

cat <<END
# Secrets of the compose stack (made by deploy/env.sh). Keep this file private; git ignores it.
POSTGRES_PASSWORD=$(secret)
NATS_AIDA_PASSWORD=$(secret)
AIDA_METRICS_TOKEN=$(secret)
GRAFANA_ADMIN_PASSWORD=$(secret)
# An admin API key for automation (at least 32 characters). Unset, the first start of aida-1
# makes one and prints a sign-in link: docker compose logs aida-1
#AIDA_ADMIN_KEY=$(secret)
END
