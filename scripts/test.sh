#!/usr/bin/env bash
# The test command: installs what the tests need, builds, runs every test project, and validates the Bicep
# templates. Tests start their own services (mock Kafka cluster, Azurite, mosquitto) and stop them by PID.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
dotnet build Telemetry.slnf --no-restore -c Release --verbosity quiet -nologo

if [ -x infra/bicep/validate.sh ]; then
  bash infra/bicep/validate.sh
fi

results=$(mktemp -d)
status=0
dotnet test Telemetry.slnf --no-build -c Release --logger "trx" --results-directory "$results" -nologo "$@" || status=$?

# One plain closing line over every test project, summed from the TRX files.
python3 - "$results" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
passed = failed = skipped = 0
for f in glob.glob(sys.argv[1] + "/*.trx"):
    c = ET.parse(f).getroot().find(".//{*}ResultSummary/{*}Counters")
    passed += int(c.get("passed")); failed += int(c.get("failed")) + int(c.get("error"))
    skipped += int(c.get("notExecuted"))
print(f"tests: {passed} passed, {failed} failed, {skipped} skipped")
PY
exit $status
