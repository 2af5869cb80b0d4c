#!/usr/bin/env bash
# The README's test command: installs what is missing, builds everything in Release, runs every test project and ends
# with one line "N passed, N failed[, N skipped]" for the whole suite. Exit status: 0 only when nothing failed.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh
dotnet build TrainExplain.sln -c Release -nologo -clp:ErrorsOnly

results=artifacts/test-results
rm -rf "$results" && mkdir -p "$results"
status=0
for project in tests/*.Tests/*.Tests.csproj; do
    name=$(basename "$project" .csproj)
    echo "== $name"
    "tests/$name/bin/Release/net10.0/$name" -noLogo -noColor -xml "$results/$name.xml" || status=1
done

/usr/bin/python3 - "$results" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
totals = {"passed": 0, "failed": 0, "skipped": 0}
for path in glob.glob(sys.argv[1] + "/*.xml"):
    for assembly in ET.parse(path).getroot().iter("assembly"):
        for key in totals:
            totals[key] += int(assembly.get(key, 0))
        totals["failed"] += int(assembly.get("errors", 0))
line = f"{totals['passed']} passed, {totals['failed']} failed"
print(line + (f", {totals['skipped']} skipped" if totals["skipped"] else ""))
PY
exit $status
