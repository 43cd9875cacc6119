#!/usr/bin/env bash
# Installs the system packages the tests need that Go modules cannot give:
# redis-server, the shared store of the dtm cluster tests (dtm's redis store
# runs Lua scripts, so nothing in-process stands in for it). `make test` runs
# this first; it does nothing when everything is there.
set -euo pipefail

need=()
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
[ ${#need[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${need[*]} (Debian packages)" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		sudo="sudo"
	else
		echo "install-deps: ${need[*]} missing, and not root: install ${need[*]} with your package manager" >&2
		exit 1
	fi
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get install -y --no-install-recommends "${need[@]}" >/dev/null ||
	{ $sudo apt-get update >/dev/null && $sudo apt-get install -y --no-install-recommends "${need[@]}" >/dev/null; }
# The package starts a system redis on port 6379; the tests start their own
# on free ports, so leave the system one as the package set it up.
command -v redis-server >/dev/null
