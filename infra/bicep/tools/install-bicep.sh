#!/usr/bin/env bash
# Installs the bicep CLI from the NuGet package Azure.Bicep.CommandLine.linux-x64 (PackageDownload restore
# of BicepTool.proj into the NuGet cache) and links it as .tools/bicep/bicep at the repo root, the path
# validate.sh and the infra tests use. Safe to run again: restore is a no-op when the package is cached.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
version="$(sed -n 's:.*<BicepVersion>\(.*\)</BicepVersion>.*:\1:p' "$here/BicepTool.proj")"
link="$root/.tools/bicep/bicep"

dotnet restore "$here/BicepTool.proj" --verbosity quiet -nologo >&2

packages="$(dotnet nuget locals global-packages --list --force-english-output | sed -n 's/^global-packages: *//p')"
pkg_dir="${packages%/}/azure.bicep.commandline.linux-x64/$version"
bin="$(find "$pkg_dir" -type f -name bicep 2>/dev/null | head -n 1)"
if [ -z "$bin" ]; then
  echo "install-bicep: no 'bicep' binary under $pkg_dir after restore" >&2
  exit 1
fi
chmod +x "$bin"
mkdir -p "$(dirname "$link")"
ln -sfn "$bin" "$link"
echo "install-bicep: $link -> $bin ($("$link" --version))"
