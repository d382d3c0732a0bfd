#!/usr/bin/env bash
# Regenerates every picture under docs/ from the bundled data set.
# Needs the project installed (.venv, see the README) plus Graphviz and Chromium, which
# scripts/setup-system.sh installs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-system.sh
dg=.venv/bin/dealgraph
mkdir -p docs
$dg export svg --loops-only -o docs/loops.svg
$dg export png --loops-only -o docs/loops.png
$dg export svg --focus anthropic --depth 1 -o docs/anthropic.svg
$dg export mermaid --loops-only -o docs/loops.mmd
$dg export html -o docs/dealgraph.html
$dg export sankey -o docs/sankey.html
$dg export gexf -o docs/dealgraph.gexf
$dg export graphml -o docs/dealgraph.graphml
$dg export cytoscape -o docs/dealgraph.cyjs
shot() {  # shot PAGE.html OUT.png
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$(mktemp -d)" --window-size=1400,900 --virtual-time-budget=4000 \
    --screenshot="$2" "file://$PWD/$1" 2>/dev/null
}
shot docs/dealgraph.html docs/html.png
shot docs/sankey.html docs/sankey.png
.venv/bin/python scripts/pictures.py  # the explorer: map, loop, bet, the slider at two dates
echo "pictures written to docs/"
