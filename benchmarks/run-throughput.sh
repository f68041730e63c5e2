#!/usr/bin/env bash
# End-to-end: N subscribers (default 2000) with varied preferences, the sample posts, the real
# CLI `run` against an SMTP server on 127.0.0.1 (Postfix smtp-sink when installed, else the
# tests' aiosmtpd server). Prints messages per second and peak RSS. Usage: benchmarks/run-throughput.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-2000}
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT

dotnet build src/Digest.Cli -c Release --nologo -v q >/dev/null
cli=src/Digest.Cli/bin/Release/net10.0/Digest.Cli.dll

/usr/bin/python3 - "$n" > "$work/subscribers.csv" <<'PY'
import sys
topics = ["", "data", "crm;email marketing", "seo;conversion", "retention;b2b", "fidélisation", "analytics;data"]
print("email,name,language,topics,maxPosts")
for i in range(int(sys.argv[1])):
    language = "en" if i % 3 == 0 else "fr"
    print(f"reader{i}@example.org,Lecteur {i},{language},{topics[i % len(topics)]},{3 + i % 8}")
PY
cp -r samples/posts "$work/posts"
find "$work/posts" -type f -exec touch -d '2026-11-22 12:00:00Z' {} +

port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
if command -v smtp-sink >/dev/null || [ -x /usr/sbin/smtp-sink ]; then
  sink=$(command -v smtp-sink || echo /usr/sbin/smtp-sink)
  "$sink" -u nobody "127.0.0.1:$port" 1000 & server=$!
  name="Postfix smtp-sink"
else
  sleep 3600 | /usr/bin/python3 tests/Digest.IntegrationTests/smtp/smtp_server.py --port "$port" --out "$work/received" & server=$!
  name="aiosmtpd"
fi
sleep 1

dotnet "$cli" subscribers import "$work/subscribers.csv" --data "$work/data" >/dev/null
start=$(date +%s.%N)
/usr/bin/time -f "%M %U %S" -o "$work/time" dotnet "$cli" run --posts "$work/posts" --subscribers "$work/subscribers.csv" \
  --smtp "smtp://127.0.0.1:$port" --data "$work/data" --now 2026-11-23T09:00:00Z > "$work/out" 2>&1 || { cat "$work/out"; exit 1; }
end=$(date +%s.%N)
read -r rss user sys < "$work/time"
sent=$(grep -o 'sent [0-9]*' "$work/out" | head -1 | cut -d' ' -f2)
/usr/bin/python3 - "$sent" "$start" "$end" "$rss" "$user" "$sys" "$name" "$n" <<'PY'
import sys
sent, start, end, rss, user, sys_ = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6])
wall = end - start
print(f"{sys.argv[8]} subscribers, {sent} sent to {sys.argv[7]} in {wall:.1f} s (whole process, start-up included): "
      f"{sent / wall:.0f} msg/s, {1000 * (user + sys_) / max(sent, 1):.2f} CPU s per 1,000 messages, peak RSS {rss / 1024:.0f} MB")
PY
