#!/bin/bash
# Kiosque and LemonLDAP::NG side by side, in ONE run, with wrk (1 thread, 2 and 8 connections):
# discovery, JWKS, userinfo, introspection, client credentials, refresh (rotation) and code
# exchange. One table at the end (also written next to the JSON as .md): requests/s of each and
# their ratio, p50/p99 of each, CPU ms per request of each (Kiosque: gunicorn + its PostgreSQL
# backends; the peer: its FastCGI workers + nginx).
#
#   bench/peer_compare.sh [DATABASE] [DUR] [REPEATS]     # defaults: kiosque_peerbench 10 1
#
# Refresh and code exchange consume pre-minted lists (bench/wrk/list.lua): every request gets a
# never-used refresh token / authorization code, minted over HTTP right before its run (Kiosque:
# a real authorization-code flow with PKCE by bench users signed in with password + TOTP; the
# peer: its portal session and password grant). See docs/benchmarks.md for the sizing.
#
# Needs: wrk (Debian package `wrk`), the peer on 127.0.0.1:80 (as root, once: cp -r
# ../shared/peers/lemonldap-ng /tmp/llng && chmod -R a+rX /tmp/llng && LLNG_WORK=/tmp/llng
# bash /tmp/llng/setup.sh; stop it with stop.sh), PostgreSQL and Redis on loopback. The bench
# database is made by bench/make_data.py if it does not exist. Kiosque runs as production runs
# it (`kiosque serve`: kiosque/gunicorn.conf.py, 2 workers x 4 threads) on 127.0.0.1:8210,
# started by bench/load_driver.py and stopped at the end; results in var/bench/results/.
# About 8-10 minutes with the defaults.
set -euo pipefail
cd "$(dirname "$0")/.."
DB=${1:-kiosque_peerbench}
DUR=${2:-10}
REPEATS=${3:-1}
WORKERS=${WORKERS:-2}
THREADS=${THREADS:-4}
ENDPOINTS=${ENDPOINTS:-discovery,jwks,userinfo,introspect,token_cc,refresh,code}
CONCURRENCY=${CONCURRENCY:-2,8}
export BENCH_REDIS_URL=${BENCH_REDIS_URL:-redis://127.0.0.1:6379/7}
# a Python with the `bench` extra (aiohttp, psutil): PYTHON, else .venv, else var/bench/venv
PY=${PYTHON:-$( [ -x .venv/bin/python ] && echo .venv/bin/python || echo var/bench/venv/bin/python )}
command -v wrk >/dev/null || { echo "wrk missing: apt-get install wrk"; exit 1; }
curl -sf -o /dev/null -H 'Host: auth.example.com' http://127.0.0.1/.well-known/openid-configuration \
  || { echo "LemonLDAP::NG is not answering on 127.0.0.1:80 (run its start.sh)"; exit 1; }
if ! psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$DB'" | grep -q 1; then
  PYTHONPATH=$PWD "$PY" bench/make_data.py --database "$DB" --accounts 200 --establishments 0
fi
mkdir -p var/bench/results
OUT=var/bench/results/compare-$(date +%Y%m%d-%H%M%S).json
echo "== $(date -Is) $(nproc) CPU, load: $(cut -d' ' -f1-3 /proc/loadavg); database $DB; wrk ${DUR}s x $REPEATS"
PYTHONPATH=$PWD "$PY" bench/load_driver.py --database "$DB" --accounts 200 \
  --workers "$WORKERS" --threads "$THREADS" --compare "$ENDPOINTS" \
  --scenarios "" --concurrency "$CONCURRENCY" --duration "$DUR" --repeats "$REPEATS" --out "$OUT"
echo "== $(date -Is) load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "results: $OUT and ${OUT%.json}.md"
