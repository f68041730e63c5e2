#!/usr/bin/env bash
# Runs every test: unit tests, then integration tests against real servers on 127.0.0.1.
# Installs what the tests need when it is missing (Debian packages; needs root or sudo).
set -euo pipefail
cd "$(dirname "$0")"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

need_apt=()
/usr/bin/python3 -c "import aiosmtpd" 2>/dev/null || need_apt+=(python3-aiosmtpd)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${need_apt[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
status=0
dotnet test Digest.sln --nologo --logger "trx" --results-directory "$results" "$@" || status=$?

# One closing line for the whole suite, summed over the test assemblies' TRX files.
python_summary='
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = 0
for path in glob.glob(sys.argv[1] + "/*.trx"):
    counters = ET.parse(path).getroot().find("t:ResultSummary/t:Counters", ns)
    passed += int(counters.get("passed")); failed += int(counters.get("failed")) + int(counters.get("error"))
    skipped += int(counters.get("notExecuted"))
print("tests: %d passed, %d failed, %d skipped" % (passed, failed, skipped))
'
/usr/bin/python3 -c "$python_summary" "$results" || echo "tests: summary unavailable (no TRX written)"
exit $status
