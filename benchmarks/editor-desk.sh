#!/usr/bin/env bash
# The editor's desk at scale: N subscribers (default 100000) in Table Storage on Azurite, issue 1 planned and
# delivered to all of them (smtp-sink), a new post waiting for issue 2; then `serve` and the desk as an editor
# opens it: GET /editor five times, the dry run once (?dryrun=1), the desk again. Prints each answer's time.
# Usage: benchmarks/editor-desk.sh [N]   (installs Debian's postfix for smtp-sink when missing)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
work=$(mktemp -d); echo "work: $work" >&2
. benchmarks/local-servers.sh
start_local_servers sink
serve=""
trap 'kill $serve 2>/dev/null || true; stop_local_servers; rm -rf "$work"' EXIT

dotnet build src/Digest.Cli -c Release --nologo -v q >/dev/null
cli="dotnet src/Digest.Cli/bin/Release/net10.0/Digest.Cli.dll"
export Digest__Editor__Key="benchmark-editor-key-0123456789"
/usr/bin/python3 - "$n" > "$work/subscribers.csv" <<'PY'
import sys
topics = ["", "data", "crm;email marketing", "seo", "retention;b2b", "nft"]
print("email,name,language,topics,status")
for i in range(int(sys.argv[1])):
    print(f"reader{i}@example.org,Lecteur {i},{'en' if i % 3 == 0 else 'fr'},{topics[i % len(topics)]},{'paused' if i % 50 == 0 else 'active'}")
PY
$cli subscribers import "$work/subscribers.csv" --storage "$cs" >/dev/null
$cli posts upload --storage "$cs" >/dev/null
sleep 1.2
$cli plan --storage "$cs" | grep -E "^(Issue|Queued)" || true
$cli worker --storage "$cs" --smtp "smtp://127.0.0.1:$smtp" --until-idle 2 | grep -E "^Worker" || true

# One more post, for the draft of issue 2 that the desk shows.
mkdir -p "$work/next/benchmark"
/usr/bin/python3 - "$work/next/benchmark/next.json" <<'PY'
import json, sys
json.dump({"id": "benchmark/next", "title": "Ce que le tableau de bord ne dit pas", "url": "https://bench.example.org/next", "source": "bench",
           "sourceName": "Banc d'essai", "language": "fr", "topics": ["data", "crm"], "publishedAt": "2026-12-01T08:00:00Z",
           "bodyFormat": "text", "body": "Un billet de plus, pour que le prochain numéro ait de quoi être simulé."}, open(sys.argv[1], "w"), ensure_ascii=False)
PY
sleep 1.2
$cli posts upload --storage "$cs" --posts "$work/next" >/dev/null

port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
DigestSchedule="0 0 7 1 1 *" $cli serve --storage "$cs" --smtp "smtp://127.0.0.1:$smtp" --port "$port" > "$work/serve.log" 2>&1 &
serve=$!
until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.2; done
origin="http://127.0.0.1:$port"
cookie=$(curl -s -D - -o /dev/null -X POST -H "Origin: $origin" --data-urlencode "key=$Digest__Editor__Key" "$origin/editor/sign-in" \
  | tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*\).*/\1/p')
get() { curl -s -o "$work/page.html" -w '%{http_code} %{time_total}' -H "Cookie: $cookie" "$origin$1"; }

desk=""
for _ in 1 2 3 4 5; do desk="$desk $(get /editor | awk '{print $2}')"; done
dry=$(get "/editor?dryrun=1")
receivers=$(grep -o '[0-9 ]* abonnés le recevraient' "$work/page.html" | head -1 || true)
kept=$(get /editor)
sent=$(grep -o '<td class="sent">[0-9]*</td>' "$work/page.html" | head -1 | grep -o '[0-9]*' || true)
echo "$n subscribers on Azurite, issue 1 delivered (${sent:-?} sent, as the desk counts them), a draft of issue 2 waiting:"
echo "  GET /editor (the desk):            $(echo $desk | sed 's/ / s, /g') s"
echo "  GET /editor?dryrun=1 (dry run):    ${dry#* } s  (HTTP ${dry%% *}; ${receivers:-?})"
echo "  GET /editor (dry run kept):        ${kept#* } s  (HTTP ${kept%% *})"
