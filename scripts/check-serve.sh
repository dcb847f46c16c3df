#!/usr/bin/env bash
# CI: the portal as `make serve` runs it in production (gunicorn, DEBUG
# off, WhiteNoise), on a free local port against the database and broker
# in the environment: /healthz, the login page and one static file must
# answer. The server is stopped on every exit path.
set -euo pipefail
cd "$(dirname "$0")/.."

: "${DATABASE_URL:?DATABASE_URL must name the database to serve}"
PORT="$(.venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
export PORT BIND_ADDRESS=127.0.0.1 ALLOWED_HOSTS=127.0.0.1 BEHIND_TLS_PROXY=1 DEBUG=0
export SECRET_KEY="ci-serve-$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(40))')"
BASE="http://127.0.0.1:$PORT"
LOG="$(mktemp)"

.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py load_reference -v0

setsid make serve >"$LOG" 2>&1 &
SERVER=$!
stop() {
  # The whole process group: make, the gunicorn arbiter and its workers.
  kill -TERM -- "-$SERVER" 2>/dev/null || true
  for _ in $(seq 1 30); do kill -0 "$SERVER" 2>/dev/null || break; sleep 1; done
  kill -KILL -- "-$SERVER" 2>/dev/null || true
}
trap 'stop; rm -f "$LOG"' EXIT

for _ in $(seq 1 60); do
  if curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null; then break; fi
  if ! kill -0 "$SERVER" 2>/dev/null; then
    echo "ERROR: make serve exited:" >&2; cat "$LOG" >&2; exit 1
  fi
  sleep 1
done

fail() { echo "ERROR: $1" >&2; echo "--- server log ---" >&2; cat "$LOG" >&2; exit 1; }
# Behind the TLS proxy, as in production: the proxy says the request was HTTPS.
get() { curl -sS --max-time 20 -H "X-Forwarded-Proto: https" -o "$2" -w "%{http_code}" "$BASE$1"; }
BODY="$(mktemp)"
trap 'stop; rm -f "$LOG" "$BODY"' EXIT

status="$(get /healthz "$BODY")" || fail "/healthz did not answer"
[ "$status" = 200 ] || fail "/healthz answered $status: $(cat "$BODY")"
grep -q '"status": "ok"' "$BODY" || fail "/healthz is not ok: $(cat "$BODY")"
echo "make serve: /healthz $status $(cat "$BODY")"

status="$(get /konto/login/ "$BODY")" || fail "the login page did not answer"
[ "$status" = 200 ] || fail "the login page answered $status"
grep -q "Log ind" "$BODY" || fail "the login page has no Danish title"
stylesheet="$(grep -o '/static/[^"]*\.css' "$BODY" | head -1)"
[ -n "$stylesheet" ] || fail "the login page links no stylesheet"
echo "make serve: /konto/login/ $status"

status="$(get "$stylesheet" "$BODY")" || fail "$stylesheet did not answer"
[ "$status" = 200 ] || fail "$stylesheet answered $status (WhiteNoise)"
echo "make serve: $stylesheet $status"
