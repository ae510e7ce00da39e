#!/usr/bin/env bash
# The main job on embedded defaults: starts an in-process Kafka mock cluster, generates telemetry from all
# five seed families, processes it end to end and prints the per-minute aggregates.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec dotnet run --project src/Telemetry.Host -c Release -- demo "$@"
