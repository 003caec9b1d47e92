#!/bin/bash
# Kiosque and LemonLDAP::NG side by side, in the same session, with wrk (1 thread, 2 and 8
# connections): discovery, JWKS, userinfo, client credentials, refresh, introspection.
#
#   bench/peer_compare.sh [DATABASE] [DUR] [REPEATS]     # defaults: kiosque_bench_1k 15 3
#
# Needs: the bench database (bench/make_data.py), wrk (Debian package `wrk`), and the peer
# running on 127.0.0.1:80 (as root, once: LLNG_WORK=<a writable copy> ../shared/peers/
# lemonldap-ng/setup.sh; stop it with stop.sh). Kiosque is started on 127.0.0.1:8210 (2 gunicorn
# workers) by bench/load_driver.py and stopped at the end; results in var/bench/results/.
set -euo pipefail
cd "$(dirname "$0")/.."
DB=${1:-kiosque_bench_1k}
DUR=${2:-15}
REPEATS=${3:-3}
WORKERS=${WORKERS:-2}
THREADS=${THREADS:-1}
command -v wrk >/dev/null || { echo "wrk missing: apt-get install wrk"; exit 1; }
curl -sf -o /dev/null -H 'Host: auth.example.com' http://127.0.0.1/.well-known/openid-configuration \
  || { echo "LemonLDAP::NG is not answering on 127.0.0.1:80 (run its start.sh)"; exit 1; }
OUT=var/bench/results/compare-$(date +%Y%m%d-%H%M%S).json
echo "== $(date -Is) $(nproc) CPU, load: $(cut -d' ' -f1-3 /proc/loadavg); database $DB; wrk ${DUR}s x $REPEATS"
.venv/bin/python bench/load_driver.py --database "$DB" --workers "$WORKERS" --threads "$THREADS" \
  --compare discovery,jwks,userinfo,token_cc,refresh,introspect \
  --scenarios "" --concurrency 2,8 --duration "$DUR" --repeats "$REPEATS" --out "$OUT"
echo "results: $OUT"
