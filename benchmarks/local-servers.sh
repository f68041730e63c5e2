# Sourced by the benchmark scripts: Azurite (npm, into ./node_modules) and, when asked, Postfix's smtp-sink, on free
# ports of 127.0.0.1. Sets $blob, $queue, $table (and $smtp), $cs, the Azurite connection string, and $azurite (and $sink),
# their process ids; stop_local_servers stops them.

# Installs Debian's postfix for smtp-sink and smtp-source when missing (not started as a mail server).
install_postfix_when_missing() {
  if [ ! -x /usr/sbin/smtp-sink ]; then
    echo "Installing Debian's postfix for smtp-sink and smtp-source (not started as a mail server)" >&2
    as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
    echo "postfix postfix/main_mailer_type select No configuration" | as_root debconf-set-selections
    as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends postfix >/dev/null
  fi
}

# start_local_servers [sink]: Azurite in memory, and smtp-sink too with "sink".
start_local_servers() {
  [ -x node_modules/.bin/azurite ] || npm ci --no-audit --no-fund >/dev/null
  local ports
  ports=$(/usr/bin/python3 -c 'import socket
for _ in range(4):
    s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  read -r blob queue table smtp <<< "$(echo $ports)"
  node_modules/.bin/azurite --silent --inMemoryPersistence --skipApiVersionCheck --disableTelemetry \
    --blobHost 127.0.0.1 --blobPort "$blob" --queueHost 127.0.0.1 --queuePort "$queue" --tableHost 127.0.0.1 --tablePort "$table" >/dev/null 2>&1 &
  azurite=$!
  sink=""
  if [ "${1:-}" = sink ]; then
    install_postfix_when_missing
    /usr/sbin/smtp-sink -u nobody "127.0.0.1:$smtp" 1000 & sink=$!
  fi
  local key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
  cs="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$key;BlobEndpoint=http://127.0.0.1:$blob/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$queue/devstoreaccount1;TableEndpoint=http://127.0.0.1:$table/devstoreaccount1;"
  until (exec 3<>"/dev/tcp/127.0.0.1/$table") 2>/dev/null; do sleep 0.1; done
}

stop_local_servers() {
  kill $azurite $sink 2>/dev/null || true
}
