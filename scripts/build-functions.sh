#!/usr/bin/env bash
# Builds src/Functions, the Azure Functions app. Every package it needs is an ordinary NuGet package except the Kafka
# trigger extension, which comes in two halves that not every feed serves:
#   - the worker half, Microsoft.Azure.Functions.Worker.Extensions.Kafka, restored with src/Functions;
#   - the host half, Microsoft.Azure.WebJobs.Extensions.Kafka, which the worker SDK restores during the build into
#     the WorkerExtensions.csproj it generates (the version is the worker half's choice: 4.3.2 for 4.3.0).
# When those two, and nothing else, cannot be restored, this prints a line starting with "skipped:" that names each
# missing one and exits 0, so CI says plainly that the app was not built. Anything else fails (exit 1): any other
# missing package (the other worker packages are served), an unreachable feed, or a compile error.
set -uo pipefail
cd "$(dirname "$0")/.."
proj=src/Functions/Functions.csproj
if [ ! -f "$proj" ]; then
  echo "functions: $proj is missing"
  exit 1
fi
worker_half=Microsoft.Azure.Functions.Worker.Extensions.Kafka
host_half=Microsoft.Azure.WebJobs.Extensions.Kafka
kafka_halves="^($(printf '%s' "$worker_half" | sed 's/\./\\./g')|$(printf '%s' "$host_half" | sed 's/\./\\./g'))( |$)"
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# NU1101: no version of the id is served; NU1102: none in the requested range; NU1103: only prereleases.
missing_packages() {
  grep -E "error NU110[123]" "$log" \
    | grep -oE "Unable to find (a stable )?package [A-Za-z0-9_.-]*[A-Za-z0-9_-]( with version \([^)]*\))?" \
    | sed -E 's/^Unable to find (a stable )?package //' | sort -u
}

if ! dotnet restore "$proj" >"$log" 2>&1; then
  missing=$(missing_packages)
  others=$(grep -E "error NU" "$log" | grep -vE "error NU110[123]" \
    ; printf '%s\n' "$missing" | grep -vE "^$" | grep -vE "$kafka_halves")
  if [ -n "$missing" ] && [ -z "$others" ]; then
    echo "skipped: src/Functions not built: the configured NuGet sources do not serve the Kafka trigger extension"
    printf '%s\n' "$missing" | sed 's/^/  missing: /'
    echo "  not reached: $host_half (the host half; the generated WorkerExtensions.csproj restores it during the build)"
    exit 0
  fi
  cat "$log"
  echo "functions: restore FAILED for a reason other than the missing Kafka trigger extension"
  exit 1
fi

if ! dotnet build "$proj" --no-restore -c Release -nologo --verbosity quiet >"$log" 2>&1; then
  # The app itself compiled if every error belongs to the generated WorkerExtensions.csproj's restore; skip only when
  # what that restore misses is the host half of the Kafka extension.
  errors=$(grep -E ": error " "$log" | sort -u)
  missing=$(missing_packages)
  foreign=$(printf '%s\n' "$errors" | grep -vE "^$" | grep -vE "WorkerExtensions\.csproj : error NU110[123]" \
    ; printf '%s\n' "$missing" | grep -vE "^$" | grep -vE "$kafka_halves")
  if [ -n "$missing" ] && [ -z "$foreign" ]; then
    echo "skipped: src/Functions compiled, but the configured NuGet sources do not serve the Kafka trigger extension's host half"
    printf '%s\n' "$missing" | sed 's/^/  missing: /'
    echo "  (restored by the WorkerExtensions.csproj the worker SDK generates; without it the app cannot be published)"
    exit 0
  fi
  cat "$log"
  echo "functions: build FAILED"
  exit 1
fi
echo "functions: built src/Functions against the real worker packages and the Kafka extension"
