#!/usr/bin/env bash
# Builds and lints every Bicep template and parameter file, and fails on ANY diagnostic: bicep reports type
# mistakes (BCP0xx) as warnings with exit code 0, so the exit code alone proves nothing. Diagnostics are read
# from SARIF (--diagnostics-format sarif); bicepconfig.json raises the chosen linter rules to error level.
# Compiled JSON goes to infra/bicep/.out/ (ignored by git).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bicep="$root/.tools/bicep/bicep"
if [ ! -x "$bicep" ]; then
  bash "$here/tools/install-bicep.sh" >/dev/null
fi
out="$here/.out"
logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT
rm -rf "$out"
mkdir -p "$out"
cd "$here"

status=0
run() { # run <name> <bicep args...>: SARIF from stdout and stderr is kept for counting
  local name="$1"; shift
  if ! "$bicep" "$@" --diagnostics-format sarif >"$logs/$name.stdout" 2>"$logs/$name.stderr"; then
    echo "validate: bicep $* exited non-zero" >&2
    status=1
  fi
}
run build-templates build --pattern './**/*.bicep' --outdir "$out"
run build-params build-params --pattern './*.bicepparam' --outdir "$out"
run lint-templates lint --pattern './**/*.bicep'
run lint-params lint --pattern './*.bicepparam'

python3 - "$logs" "$out" <<'PY'
import glob, json, os, sys
logs, out = sys.argv[1], sys.argv[2]
decoder = json.JSONDecoder()
diagnostics, unparsed = [], []
for path in sorted(glob.glob(os.path.join(logs, "*"))):
    text = open(path, encoding="utf-8").read()
    i = 0
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            break
        if text[i] != "{":
            unparsed.append((os.path.basename(path), text[i:].strip()[:500]))
            break
        doc, i = decoder.raw_decode(text, i)
        if "runs" not in doc:
            continue  # a compiled template written to stdout is not a diagnostic report
        for run in doc["runs"]:
            for r in run.get("results", []):
                loc = r.get("locations", [{}])[0].get("physicalLocation", {})
                uri = loc.get("artifactLocation", {}).get("uri", "?").replace("file://", "")
                line = loc.get("region", {}).get("startLine", "?")
                diagnostics.append(f"{os.path.relpath(uri)}:{line}: {r.get('level', 'warning')} {r.get('ruleId')}: {r['message']['text']}")
for d in sorted(set(diagnostics)):
    print("validate:", d, file=sys.stderr)
for name, text in unparsed:
    print(f"validate: unexpected output from {name}: {text}", file=sys.stderr)
built = sorted(os.path.relpath(p, out) for p in glob.glob(os.path.join(out, "**", "*.json"), recursive=True))
if diagnostics or unparsed:
    print(f"validate: FAILED with {len(set(diagnostics))} diagnostic(s)", file=sys.stderr)
    sys.exit(1)
print(f"validate: bicep build + lint clean, 0 diagnostics; {len(built)} files in infra/bicep/.out: {', '.join(built)}")
PY
exit $status
