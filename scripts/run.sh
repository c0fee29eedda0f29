#!/bin/bash
# run.sh — `make run`: demo data in ./var (SQLite, WAL), then serve
# http://127.0.0.1:8080 until Ctrl-C.
set -eu
cd "$(dirname "$0")/.."
DATA=${LECTERN_DATA:-var}
LISTEN=${LECTERN_LISTEN:-127.0.0.1:8080}
mkdir -p "$DATA"
./build/lectern demo --data "$DATA"
echo
echo "Open http://$LISTEN and sign in with one of the accounts above."
echo "Mail (invitations, password resets) is written to $DATA/mail/*.eml."
echo "Stop with Ctrl-C."
echo
exec ./build/lectern serve --data "$DATA" --listen "$LISTEN"
