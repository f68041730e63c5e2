#!/usr/bin/env bash
# Cold start, from fresh processes, three runs each (Release builds, Azurite and Postfix's smtp-sink on 127.0.0.1):
#   serve:          process spawned -> /healthz answers ("ready"), then the first GET /issues/1 and a second one;
#   Functions app:  its own host (FunctionsApp, as Program builds it) in a fresh process -> built and checked ("ready"),
#                   then its first page (the WebVersion function) and its first chunk of 250 readers through DeliverChunk,
#                   each followed by a second one (benchmarks/Digest.ColdStart).
# What a reader or a queue message meets on a new Flex Consumption instance. (The Razor templates are compiled at build,
# src/Digest.RazorGenerator: no process compiles one.)
# Usage: benchmarks/cold-start.sh   (installs Debian's postfix for smtp-sink when missing)
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
. benchmarks/local-servers.sh
start_local_servers sink
trap 'stop_local_servers; rm -rf "$work"' EXIT
web=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

dotnet build src/Digest.Cli -c Release --nologo -v q >/dev/null
dotnet build benchmarks/Digest.ColdStart -c Release --nologo -v q >/dev/null 2>&1
# As deployed: `dotnet publish` for linux-x64 with ReadyToRun (Digest.Functions.csproj sets it for publish), so the app
# starts from precompiled code instead of being compiled by the JIT first.
dotnet publish benchmarks/Digest.ColdStart -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o "$work/published" --nologo -v q >/dev/null 2>&1
cli="dotnet src/Digest.Cli/bin/Release/net10.0/Digest.Cli.dll"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/dkim.pem" 2>/dev/null
# The settings a Function App has (infra/main.bicep), here on Azurite and the sink; serve reads the same ones.
export DigestStorage="$cs" DigestSchedule="0 0 7 * * 1" FeedsSchedule="0 5 * * * *" InboundSchedule="0 */10 * * * *" Digest__Storage__Mode=azure Digest__Storage__DeliveryQueue=deliveries \
  Digest__PublicBaseUrl=https://digest.example.org Digest__MailDomain=digest.example.org Digest__FromAddress=hebdo@digest.example.org \
  Digest__Delivery__Transport=smtp Digest__Delivery__Smtp__Host=127.0.0.1 Digest__Delivery__Smtp__Port="$smtp" \
  Digest__LinkSigning__SigningKeyId=k1 Digest__LinkSigning__Keys__k1="$(openssl rand -base64 32)" Digest__Dkim__PrivateKeyFile="$work/dkim.pem"

/usr/bin/python3 -c 'print("email,language"); [print(f"reader{i}@example.org,fr") for i in range(1000)]' > "$work/readers.csv"
$cli subscribers import "$work/readers.csv" >/dev/null
$cli posts upload >/dev/null
sleep 1.2
$cli plan | grep -E "^(Issue|Queued)"

ms() { date +%s%3N; }
for run in 1 2 3; do
  # serve's own queue worker is pointed at an empty queue: this measures its pages.
  spawned=$(ms)
  Digest__Storage__DeliveryQueue=idle$run $cli serve --port "$web" >"$work/serve.$run" 2>&1 & serve=$!
  until curl -fs "http://127.0.0.1:$web/healthz" >/dev/null 2>&1; do sleep 0.02; done
  ready=$(( $(ms) - spawned ))
  first=$(curl -fs -o /dev/null -w '%{time_total}' "http://127.0.0.1:$web/issues/1")
  second=$(curl -fs -o /dev/null -w '%{time_total}' "http://127.0.0.1:$web/issues/1")
  kill $serve; wait $serve 2>/dev/null || true
  awk -v r="$ready" -v f="$first" -v s="$second" -v n="$run" 'BEGIN { printf "run %d  serve:     ready %d ms after spawn; first page %.0f ms (then %.0f ms)\n", n, r, f * 1000, s * 1000 }'

  # Each run delivers the same two chunks again, into a ledger of its own.
  (cd benchmarks/Digest.ColdStart/bin/Release/net10.0 && Digest__Storage__LedgerTable=coldstart$run dotnet Digest.ColdStart.dll) | sed "s/^/run $run  /"
  (cd "$work/published" && Digest__Storage__LedgerTable=coldstartr2r$run dotnet Digest.ColdStart.dll) | sed "s/^functions:/functions, ReadyToRun:/; s/^/run $run  /"
done
