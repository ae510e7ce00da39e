#!/usr/bin/env bash
# Installs everything the tests and local runs need on a fresh Debian machine:
# mosquitto and prometheus (apt), Azurite (npm), the NuGet packages (dotnet restore) and the bicep CLI (a NuGet package).
# Safe to run again: each step skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v mosquitto >/dev/null 2>&1 && [ ! -x /usr/sbin/mosquitto ]; then
  echo "setup: installing mosquitto (apt)"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq mosquitto >/dev/null
fi
# The Debian package starts a system broker on 1883; tests start their own on free ports.
if command -v systemctl >/dev/null 2>&1; then systemctl disable --now mosquitto >/dev/null 2>&1 || true; fi

# Prometheus and promtool: the Prometheus tests start their own server on a free port and check the shipped rules.
if ! command -v prometheus >/dev/null 2>&1 || ! command -v promtool >/dev/null 2>&1; then
  echo "setup: installing prometheus (apt)"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends prometheus >/dev/null
fi
# The Debian package starts a system server on 9090; tests start their own.
if command -v systemctl >/dev/null 2>&1; then systemctl disable --now prometheus >/dev/null 2>&1 || true; fi

if [ ! -x node_modules/.bin/azurite-table ]; then
  echo "setup: installing Azurite (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi

echo "setup: restoring NuGet packages"
dotnet restore Telemetry.slnf --verbosity quiet

if [ -f infra/bicep/tools/BicepTool.proj ]; then
  bash infra/bicep/tools/install-bicep.sh
fi
