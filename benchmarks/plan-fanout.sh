#!/usr/bin/env bash
# Planning scale: loads N subscribers (default 100000) into Table Storage on a fresh Azurite,
# then times `plan` (plan the issue + fan the subscribers out into queue chunks) and prints its
# wall time and peak RSS. Usage: benchmarks/plan-fanout.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
work=$(mktemp -d)
[ -x node_modules/.bin/azurite ] || npm ci --no-audit --no-fund >/dev/null
ports=$(/usr/bin/python3 -c 'import socket
for _ in range(3):
    s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
read -r blob queue table <<< "$(echo $ports)"
# A million rows in memory outgrow Node's default heap.
NODE_OPTIONS=--max-old-space-size=16000 node_modules/.bin/azurite --silent --inMemoryPersistence --skipApiVersionCheck --disableTelemetry \
  --blobHost 127.0.0.1 --blobPort "$blob" --queueHost 127.0.0.1 --queuePort "$queue" --tableHost 127.0.0.1 --tablePort "$table" &
azurite=$!
trap 'kill $azurite 2>/dev/null || true; rm -rf "$work"' EXIT
key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
cs="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$key;BlobEndpoint=http://127.0.0.1:$blob/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$queue/devstoreaccount1;TableEndpoint=http://127.0.0.1:$table/devstoreaccount1;"
sleep 3

dotnet build src/Digest.Cli -c Release --nologo -v q >/dev/null
cli="dotnet src/Digest.Cli/bin/Release/net10.0/Digest.Cli.dll"
/usr/bin/python3 - "$n" > "$work/subscribers.csv" <<'PY'
import sys
topics = ["", "data", "crm;email marketing", "seo", "retention;b2b"]
print("email,language,topics,deliveryDay,deliveryHour,timeZone")
zones = ["Europe/Paris", "America/New_York", "Asia/Tokyo", "Europe/London"]
for i in range(int(sys.argv[1])):
    slot = ("friday,8" if i % 4 == 1 else "monday,7" if i % 4 == 2 else ",")
    print(f"reader{i}@example.org,{'en' if i % 3 == 0 else 'fr'},{topics[i % len(topics)]},{slot},{zones[i % len(zones)]}")
PY
start=$(date +%s.%N)
$cli subscribers import "$work/subscribers.csv" --storage "$cs" >/dev/null
loaded=$(date +%s.%N)
$cli posts upload --storage "$cs" >/dev/null
sleep 1
/usr/bin/time -f "%M" -o "$work/rss" $cli plan --storage "$cs" > "$work/plan.out"
planned=$(date +%s.%N)
cat "$work/plan.out"
/usr/bin/python3 -c "import sys; n,s,l,p,rss=sys.argv[1:]; print(f'{int(n):,} subscribers: loaded into Table Storage in {float(l)-float(s):.0f} s; plan + fan-out in {float(p)-float(l):.1f} s (including upload and process start), peak RSS of plan {int(rss)/1024:.0f} MB')" \
  "$n" "$start" "$loaded" "$planned" "$(cat "$work/rss")"
