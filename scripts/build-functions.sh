#!/usr/bin/env bash
# Builds src/Functions when the Azure Functions worker packages can be restored from the configured NuGet
# sources; otherwise prints one clear line and exits 0. Anything else is a real failure and exits non-zero:
# a restore that misses any package other than the worker's, or a build that fails after a good restore.
set -uo pipefail
cd "$(dirname "$0")/.."
proj=src/Functions/Functions.csproj
if [ ! -f "$proj" ]; then
  echo "functions: $proj is missing"
  exit 1
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! dotnet restore "$proj" >"$log" 2>&1; then
  # NU1101: no version of the id is served; NU1102: none in the requested range; NU1103: only prereleases.
  missing=$(grep -E "error NU110[123]" "$log" \
    | grep -oE "Unable to find (a stable )?package [A-Za-z0-9_.-]*[A-Za-z0-9_-]( with version \([^)]*\))?" \
    | sed -E 's/^Unable to find (a stable )?package //' | sort -u)
  others=$(grep -E "error NU" "$log" | grep -vE "error NU110[123]" \
    ; printf '%s\n' "$missing" | grep -vE '^$|^Microsoft\.Azure\.Functions\.Worker')
  if [ -n "$missing" ] && [ -z "$others" ]; then
    echo "skipped: Azure Functions worker packages not available from the configured NuGet sources"
    printf '%s\n' "$missing" | sed 's/^/  missing: /'
    exit 0
  fi
  cat "$log"
  echo "functions: restore FAILED for a reason other than missing worker packages"
  exit 1
fi
if ! dotnet build "$proj" --no-restore -c Release -nologo --verbosity quiet >"$log" 2>&1; then
  # The worker SDK restores a generated WorkerExtensions.csproj during the build (the host-side halves of the
  # extensions, e.g. Microsoft.Azure.WebJobs.Extensions.Kafka): a feed that serves the worker packages but
  # cannot restore that project is the same case as above. Any other error is a real build failure.
  errors=$(grep -E ": error " "$log" | sort -u)
  if [ -n "$errors" ] && ! printf '%s\n' "$errors" | grep -vqE "WorkerExtensions\.csproj : error NU[0-9]+"; then
    echo "skipped: Azure Functions worker packages not available from the configured NuGet sources"
    echo "  the app compiled; its generated host-extension project (WorkerExtensions.csproj) could not be restored:"
    printf '%s\n' "$errors" | grep -oE "error NU[0-9]+: .*" | cut -c1-160 | sort -u | sed 's/^/    /'
    exit 0
  fi
  cat "$log"
  echo "functions: build FAILED"
  exit 1
fi
echo "functions: built src/Functions against the real worker packages"
