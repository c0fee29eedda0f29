#!/bin/bash
# check_layers.sh — rules and SQL stay apart from HTML and JSON: no page or
# API handler file (src/*/*_page.c, src/*/*_api.c) runs SQL itself; it
# calls its domain's functions (docs/architecture.md, "Layers").
# Exit 0 when clean, 1 listing each statement found.
set -euo pipefail
cd "$(dirname "$0")/.."
found=$(grep -nE '\bdb_(prepare|query_i64|query_text|run|change|exec)\(' src/*/*_page.c src/*/*_api.c || true)
if [ -n "$found" ]; then
    echo "check_layers: SQL in a page or API handler file (move it to the domain module):"
    echo "$found"
    exit 1
fi
echo "check_layers: no SQL in $(ls src/*/*_page.c src/*/*_api.c | wc -l) page and API files"
