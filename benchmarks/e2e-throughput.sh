#!/usr/bin/env bash
# End-to-end delivery rate against the fastest thing this machine can do, in one run:
#   N subscribers (default 20000) with varied preferences, a 20-post issue of long French posts,
#   Azurite (tables, queue, blobs), the delivery ledger on, DKIM on (RSA-2048), C worker processes
#   (default 1) with S SMTP sessions each (default 4), Postfix's smtp-sink on 127.0.0.1 as the
#   server; then Postfix's smtp-source sends N messages of the same size with the same number of
#   sessions (C x S) to the same sink.
# Prints our messages/s (over the whole run, and over the span the workers were sending), CPU
# seconds per 1,000 messages, peak RSS, smtp-source's rate and the ratio of the two.
# Usage: [DKIM=ed25519|off] [BUILD=readytorun] [TRACE=FILE.nettrace | PERF=FILE.data] benchmarks/e2e-throughput.sh [N] [C] [S]   (installs Debian's postfix for smtp-sink/smtp-source)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-20000}
c=${2:-1}
sessions=${3:-4}
work=$(mktemp -d); echo "work: $work" >&2
. benchmarks/local-servers.sh
start_local_servers sink
trap 'stop_local_servers; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT

dotnet build src/Digest.Cli -c Release --nologo -v q >/dev/null
cli="dotnet src/Digest.Cli/bin/Release/net10.0/Digest.Cli.dll"
# BUILD=readytorun: the workers run a ReadyToRun publish (precompiled code, as the Functions app is deployed: infra/, docs/azure.md)
# instead of the Release build, whose code the JIT compiles as the worker starts.
if [ "${BUILD:-release}" = readytorun ]; then
  dotnet publish src/Digest.Cli -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o out/readytorun --nologo -v q >/dev/null
  worker_cli="dotnet out/readytorun/Digest.Cli.dll"
else
  worker_cli=$cli
fi
tools=out/tools
if [ -n "${TRACE:-}" ] && [ ! -x "$tools/dotnet-trace" ]; then
  dotnet tool install dotnet-trace --version 10.0.750501 --tool-path "$tools" >/dev/null
fi
# DKIM=ed25519 signs with Ed25519 instead (RFC 8463; not every receiver checks it, so production signs RSA-2048).
# DKIM=off signs nothing: the floor of what the worker spends besides the signature.
if [ "${DKIM:-rsa}" = off ]; then
  dkim="no DKIM"
elif [ "${DKIM:-rsa}" = ed25519 ]; then
  openssl genpkey -algorithm ED25519 -out "$work/dkim.pem" 2>/dev/null
  export Digest__Dkim__Algorithm=ed25519-sha256
  dkim="DKIM Ed25519"
else
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/dkim.pem" 2>/dev/null
  dkim="DKIM RSA-2048"
fi
[ "${DKIM:-rsa}" = off ] || export Digest__Dkim__PrivateKeyFile="$work/dkim.pem"
export Digest__FanOut__ChunkSize=250 Digest__Delivery__Connections=$sessions

# 20 long French posts (about 6 KB of text each) from five blogs, and N readers.
/usr/bin/python3 - "$work/posts" "$n" "$work/subscribers.csv" <<'PY'
import json, os, random, sys
out, n, csv = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rng = random.Random(7)
words = ("le la les des une un marque client clients campagne données fidélité contenu stratégie équipe vente prix "
         "confiance mesure résultat panier relance newsletter lecteur article conversion référencement budget "
         "semaine question réponse exemple méthode outil tableau décision").split()
topics = ["data", "crm", "seo", "email marketing", "fidélisation", "conversion", "analytics", "retention"]
for i in range(20):
    source = f"blog-{i % 5}"
    paragraphs = []
    for _ in range(12):
        sentences = [" ".join(rng.choice(words) for _ in range(rng.randint(8, 16))).capitalize() + rng.choice([".", " ?", " !"]) for _ in range(4)]
        paragraphs.append("<p>" + " ".join(sentences).replace(" ?", "\u00a0?").replace(" !", "\u00a0!") + "</p>")
    post = {"id": f"{source}/long-{i}", "title": f"Article long numéro {i} : ce que nos clients nous apprennent", "url": f"https://{source}.example.org/{i}",
            "source": source, "sourceName": f"Blog {i % 5}", "publishedAt": f"2026-11-{10 + i % 10:02d}", "language": "fr",
            "topics": [topics[i % 8], topics[(i * 3) % 8]], "bodyFormat": "html", "body": "".join(paragraphs)}
    os.makedirs(os.path.join(out, source), exist_ok=True)
    with open(os.path.join(out, source, f"long-{i}.json"), "w", encoding="utf-8") as f:
        json.dump(post, f, ensure_ascii=False)
with open(csv, "w", encoding="utf-8") as f:
    f.write("email,name,language,topics,maxPosts\n")
    choices = ["", "data", "crm;email marketing", "seo;conversion", "fidélisation", "analytics;data", "retention"]
    for r in range(n):
        f.write(f"reader{r}@example.org,Lecteur {r},fr,{choices[r % len(choices)]},{5 + r % 6}\n")
PY

$cli subscribers import "$work/subscribers.csv" --storage "$cs" >/dev/null
$cli posts upload --storage "$cs" --posts "$work/posts" >/dev/null
sleep 1.2
$cli plan --storage "$cs" | grep -E "^(Issue|Planned|Queued)" || true

# Our side: C workers until the queue is empty; wall time from the first start to the last exit.
# The CPU time Azurite and smtp-sink spend meanwhile is counted too (clock ticks from /proc).
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
azurite0=$(ticks "$azurite"); sink0=$(ticks "$sink")
start=$(date +%s.%N)
for w in $(seq "$c"); do
  # TRACE=FILE.nettrace: the first worker runs under dotnet-trace (CPU samples and allocation samples; docs/profile.md).
  traced=""
  if [ -n "${TRACE:-}" ] && [ "$w" = 1 ]; then
    traced="$tools/dotnet-trace collect --show-child-io --profile dotnet-sampled-thread-time,gc-verbose -o $TRACE --"
  elif [ -n "${PERF:-}" ] && [ "$w" = 1 ]; then
    # PERF=FILE.data: the first worker under Linux perf instead (every CPU cycle, native code and kernel included).
    traced="env DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 perf record -F 999 -g -o $PERF --"
  fi
  /usr/bin/time -f "%M %U %S" -o "$work/time.$w" $traced $worker_cli worker --storage "$cs" --smtp "smtp://127.0.0.1:$smtp" --until-idle 2 > "$work/worker.$w" 2>&1 &
done
wait $(jobs -p | grep -v -e "^$azurite$" -e "^$sink$") 2>/dev/null || true
end=$(date +%s.%N)
azurite_cpu=$(( $(ticks "$azurite") - azurite0 )); sink_cpu=$(( $(ticks "$sink") - sink0 ))
sent=$(cat "$work"/worker.* | grep -o '[0-9]* sent,' | awk '{s+=$1} END {print s+0}')

# The size of one of our messages, as the sink receives it (headers, text, HTML, DKIM): one more reader, through a pickup folder.
printf 'email,language,topics\nsize@example.org,fr,\n' > "$work/one.csv"
$cli run --subscribers "$work/one.csv" --posts "$work/posts" --pickup "$work/one" --data "$work/one-data" >/dev/null 2>&1 || true
size=$(find "$work/one" -name '*.eml' -printf '%s\n' | head -1)

# Their side: smtp-source, the same number of messages of the same size, the same concurrency, the same sink;
# three times, and the fastest counts (this machine is a VM whose speed varies from minute to minute).
theirs=""
# QUICK=1 leaves smtp-source out (for comparing builds or settings of our side, run after run).
for _ in $([ -n "${QUICK:-}" ] || echo 1 2 3); do
  sstart=$(date +%s.%N)
  /usr/sbin/smtp-source -s "$((c * sessions))" -m "$sent" -l "${size:-20000}" -f hebdo@digest.example.org -t reader@example.org "127.0.0.1:$smtp"
  theirs="$theirs $(awk -v from="$sstart" -v to="$(date +%s.%N)" 'BEGIN { print to - from }')"
done

/usr/bin/python3 - "$n" "$c" "$sent" "$start" "$end" "$theirs" "-" "${size:-0}" "$work" "$sessions" "$dkim" "$azurite_cpu" "$sink_cpu" "$(getconf CLK_TCK)" "${BUILD:-release}" <<'PY'
import datetime, glob, re, sys
n, c, sent = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
azurite_cpu, sink_cpu = int(sys.argv[12]) / int(sys.argv[14]), int(sys.argv[13]) / int(sys.argv[14])
ours = float(sys.argv[5]) - float(sys.argv[4]); tries = [float(t) for t in sys.argv[6].split()] or [float("nan")]; theirs = min(tries); size = int(sys.argv[8]); sessions = c * int(sys.argv[10])
rss = cpu = 0
for path in glob.glob(sys.argv[9] + "/time.*"):
    m, u, s = open(path).read().split()[-3:]
    rss = max(rss, int(m)); cpu += float(u) + float(s)
# The span the workers were sending: the first chunk taken to the last one finished (each worker prints its own).
spans = [re.search(r"Busy from (\S+) to (\S+):", open(p).read()) for p in glob.glob(sys.argv[9] + "/worker.*")]
times = [datetime.datetime.fromisoformat(x) for m in spans if m for x in m.groups()]
busy = (max(times) - min(times)).total_seconds() if times else ours
# Each worker's CPU while it was sending (its own figure: process CPU time from its first chunk taken to its last finished).
steady = [(int(re.search(r"(\d+) sent,", t).group(1)), float(m.group(1))) for t in (open(p).read() for p in glob.glob(sys.argv[9] + "/worker.*"))
          if (m := re.search(r"([\d.]+) CPU ms a message meanwhile", t))]
steady_cpu = sum(k * v for k, v in steady) / max(sum(k for k, _ in steady), 1)
print(f"{n:,} subscribers, {sent:,} messages of {size / 1024:.1f} KB ({sys.argv[11]}, ledger, Azurite), {c} worker(s) ({sys.argv[15]} build) x {sessions // c} SMTP sessions -> smtp-sink:")
print(f"  Digest:      {sent / busy:7.0f} msg/s while sending ({busy:.1f} s); {sent / ours:.0f} msg/s over the whole run ({ours:.1f} s with process start-up and the 2-s idle exit)")
print(f"               {1000 * cpu / max(sent, 1):.2f} CPU s per 1,000 messages (whole run), {steady_cpu:.2f} while sending; peak RSS {rss / 1024:.0f} MB per worker")
print(f"               meanwhile Azurite {1000 * azurite_cpu / max(sent, 1):.2f} and smtp-sink {1000 * sink_cpu / max(sent, 1):.2f} CPU s per 1,000 messages")
for path in sorted(glob.glob(sys.argv[9] + "/worker.*"))[:1]:
    if (m := re.search(r"Memory: (.*)", open(path).read())):
        print(f"               worker 1 at exit: {m.group(1)}")
print(f"  smtp-source: {sent / theirs:7.0f} msg/s  (best of {', '.join(f'{sent / t:.0f}' for t in tries)} msg/s; {sessions} sessions)")
print(f"  ratio: {(sent / busy) / (sent / theirs):.2f} of the raw SMTP rate while sending; {(sent / ours) / (sent / theirs):.2f} over the whole run")
PY
