#!/usr/bin/env bash
# Installs the system packages dealgraph's pictures, browser tests and second store engine use:
#   graphviz  (svg/png exports)      chromium  (headless browser tests of the HTML pages)
#   virtuoso-opensource  (virtuoso-t: the Virtuoso suite, tests/graph/test_virtuoso.py, starts
#                         its own server on loopback ports; no system service is needed)
#   libicu-dev, pkg-config, g++  (PyICU, which the `ftm` extra's followthemoney needs, is built
#                         from source by pip: the tests validate the FtM export with it)
# Safe to run again; does nothing when all are present. Needs root and apt-get (Debian).
# Without them it says what is missing and exits 0: the tests that need them are skipped.
set -u
need=()
command -v dot >/dev/null 2>&1 || need+=(graphviz)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v virtuoso-t >/dev/null 2>&1 || need+=(virtuoso-opensource)
{ command -v pkg-config >/dev/null 2>&1 && pkg-config --exists icu-uc; } || need+=(libicu-dev pkg-config)
command -v g++ >/dev/null 2>&1 || need+=(g++)
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-system: missing ${need[*]}; install them with your package manager" >&2
  exit 0
fi
echo "setup-system: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -qq && apt-get install -y -qq "${need[@]}"; } >/tmp/dealgraph-apt.log 2>&1; then
  echo "setup-system: apt-get failed (see /tmp/dealgraph-apt.log); tests needing ${need[*]} will be skipped" >&2
fi
exit 0
