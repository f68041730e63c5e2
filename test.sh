#!/usr/bin/env bash
# Runs every test: unit tests, then integration tests against real servers on 127.0.0.1
# (an SMTP server, Azurite, an IMAP server, an MTA), and compiles and lints infra/ with the Bicep CLI.
# Installs what it needs when it is missing: Debian packages (needs root or sudo), npm packages
# into ./node_modules, the Bicep CLI from NuGet.
set -euo pipefail
cd "$(dirname "$0")"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

need_apt=()
/usr/bin/python3 -c "import aiosmtpd" 2>/dev/null || need_apt+=(python3-aiosmtpd)
/usr/bin/python3 -c "import dkim" 2>/dev/null || need_apt+=(python3-dkim)
/usr/bin/python3 -c "import nacl" 2>/dev/null || need_apt+=(python3-nacl)
command -v spamassassin >/dev/null || need_apt+=(spamassassin)
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
command -v dovecot >/dev/null || [ -x /usr/sbin/dovecot ] || need_apt+=(dovecot-imapd)
[ -x /usr/lib/postfix/sbin/master ] || need_apt+=(postfix)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${need_apt[*]}"
  # Dovecot and Postfix only as programs the tests start (on 127.0.0.1, with their own configuration): no system mail
  # service is configured or started by the install (policy-rc.d refuses service starts while it runs).
  echo "postfix postfix/main_mailer_type select No configuration" | as_root debconf-set-selections
  own_policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | as_root tee /usr/sbin/policy-rc.d >/dev/null && as_root chmod +x /usr/sbin/policy-rc.d && own_policy=1
  fi
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  if [ -n "$own_policy" ]; then as_root rm -f /usr/sbin/policy-rc.d; fi
fi

if [ ! -x node_modules/.bin/azurite ] || [ ! -f node_modules/axe-core/axe.min.js ]; then
  echo "Installing Azurite and axe-core from npm into ./node_modules"
  npm ci --no-audit --no-fund --loglevel=error
fi

echo "== infra: Bicep build and lint"
dotnet restore infra/tools --nologo -v q >/dev/null
bicep=$(find "${NUGET_PACKAGES:-$HOME/.nuget/packages}/azure.bicep.commandline.linux-x64" -path '*/tools/bicep' -type f | sort | tail -n 1)
chmod +x "$bicep"
bicep_out=$( { "$bicep" build infra/main.bicep --stdout >/dev/null && "$bicep" lint infra/main.bicep; } 2>&1 ) || { echo "$bicep_out"; exit 1; }
if [ -n "$bicep_out" ]; then echo "$bicep_out"; echo "Bicep reported warnings: infra/ must compile clean."; exit 1; fi
echo "infra/main.bicep compiles and lints with no warnings."

echo "== build: the whole solution, the Functions app included"
dotnet build Digest.sln --nologo -v q
# The deployment package as azd builds it: ReadyToRun for linux-x64 (docs/azure.md, "Cold start").
publish=$(mktemp -d)
dotnet publish src/Digest.Functions -c Release -o "$publish" --nologo -v q
[ -f "$publish/functions.metadata" ] && [ -f "$publish/host.json" ] || { echo "The published Functions app lacks functions.metadata or host.json"; exit 1; }
rm -rf "$publish"

echo "== tests"
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
status=0
dotnet test Digest.sln --no-build --nologo --logger "trx" --results-directory "$results" "$@" || status=$?

# The figures the tests report, then one closing line for the whole suite, summed over the test assemblies' TRX files.
python_summary='
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = 0
for path in glob.glob(sys.argv[1] + "/*.trx"):
    counters = ET.parse(path).getroot().find("t:ResultSummary/t:Counters", ns)
    passed += int(counters.get("passed")); failed += int(counters.get("failed")) + int(counters.get("error"))
    skipped += int(counters.get("notExecuted"))
# The figures tests report (lines starting with "[figures]"): kills survived, requests tried, and so on.
for path in glob.glob(sys.argv[1] + "/*.trx"):
    for out in ET.parse(path).getroot().iterfind(".//t:Output/t:StdOut", ns):
        for line in (out.text or "").splitlines():
            if line.startswith("[figures]"):
                print(line)
print("tests: %d passed, %d failed, %d skipped" % (passed, failed, skipped))
'
/usr/bin/python3 -c "$python_summary" "$results" || echo "tests: summary unavailable (no TRX written)"
exit $status
