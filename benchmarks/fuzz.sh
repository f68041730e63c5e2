#!/usr/bin/env bash
# The longer fuzzing run: the same CsCheck properties as the test suite, with more cases each.
#   ./benchmarks/fuzz.sh [cases]        (default 200000; the suite runs 1500)
# A failure prints the CsCheck seed that reproduces it: CsCheck_Seed=<seed> ./benchmarks/fuzz.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export DIGEST_FUZZ_ITERATIONS="${1:-200000}"
dotnet test tests/Digest.Tests --nologo -v q --filter "FullyQualifiedName~Digest.Tests.Hostile.FuzzTests" \
  --logger "console;verbosity=detailed" | grep -a -E "\[figures\]|Passed |Failed |CsCheckException|----"
