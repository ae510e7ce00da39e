#!/usr/bin/env bash
# Builds and lints every Bicep template and parameter file, and fails on ANY diagnostic: bicep reports type
# mistakes (BCP0xx) as warnings with exit code 0, so the exit code alone proves nothing. Diagnostics are read
# from SARIF (--diagnostics-format sarif); bicepconfig.json raises the chosen linter rules to error level.
# Compiled JSON goes to infra/bicep/.out/ (ignored by git), or to $BICEP_OUT_DIR.
# Secrets never reach that output: the parameter files read KAFKA_SASL_USERNAME / KAFKA_SASL_PASSWORD / MQTT_PASSWORD from the
# environment, so bicep runs without them (build-params then compiles the empty defaults), and a last check fails if
# any compiled file still contains the value of one of those variables.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bicep="$root/.tools/bicep/bicep"
if [ ! -x "$bicep" ]; then
  bash "$here/tools/install-bicep.sh" >/dev/null
fi
out="${BICEP_OUT_DIR:-$here/.out}"
# What the parameter files read from the environment and must never be written to disk.
secret_variables=(KAFKA_SASL_USERNAME KAFKA_SASL_PASSWORD MQTT_PASSWORD)
unset_secrets=()
for name in "${secret_variables[@]}"; do unset_secrets+=(-u "$name"); done
logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT
rm -rf "$out"
mkdir -p "$out"
cd "$here"

status=0
run() { # run <name> <bicep args...>: SARIF from stdout and stderr is kept for counting
  local name="$1"; shift
  if ! env "${unset_secrets[@]}" "$bicep" "$@" --diagnostics-format sarif >"$logs/$name.stdout" 2>"$logs/$name.stderr"; then
    echo "validate: bicep $* exited non-zero" >&2
    status=1
  fi
}
run build-templates build --pattern './**/*.bicep' --outdir "$out"
run build-params build-params --pattern './*.bicepparam' --outdir "$out"
run lint-templates lint --pattern './**/*.bicep'
run lint-params lint --pattern './*.bicepparam'

python3 - "$logs" "$out" "${secret_variables[@]}" <<'PY'
import glob, json, os, sys
logs, out, secret_names = sys.argv[1], sys.argv[2], sys.argv[3:]
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
leaked = []
for name in secret_names:
    value = os.environ.get(name, "")
    if len(value) < 4:
        continue  # unset, or too short to tell apart from ordinary JSON
    for path in glob.glob(os.path.join(out, "**", "*"), recursive=True):
        if os.path.isfile(path) and value in open(path, encoding="utf-8", errors="replace").read():
            leaked.append(f"{os.path.relpath(path, out)} contains the value of {name}")
for line in leaked:
    print(f"validate: SECRET IN BUILD OUTPUT: {line}", file=sys.stderr)
if leaked:
    sys.exit(1)
if diagnostics or unparsed:
    print(f"validate: FAILED with {len(set(diagnostics))} diagnostic(s)", file=sys.stderr)
    sys.exit(1)
print(f"validate: bicep build + lint clean, 0 diagnostics; {len(built)} files in {out}: {', '.join(built)}")
PY
exit $status
