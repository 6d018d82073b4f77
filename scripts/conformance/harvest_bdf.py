"""
Builds rollcell's Battery Data Format column table (data/bdf/columns.json) from the BDF ontology snapshot
of the battery-data-alliance/battery-data-format repository (src/bdf/data/bdf-ontology-snapshot.ttl), and
copies its reference datasets (docs/examples/reference/*.bdf.csv, gzipped) and test sample into
test/conformance/corpora/bdf/. Run by hand to regenerate the committed files (rollcell never runs Python):

  python3 scripts/conformance/harvest_bdf.py <battery-data-format git dir>
"""
import gzip
import json
import re
import subprocess
import sys

REPO = sys.argv[1]


def git(*args, text=True):
    return subprocess.run(["git", "-C", REPO, *args], capture_output=True, text=text, check=True).stdout


commit = git("rev-parse", "HEAD").strip()
ttl = git("show", "HEAD:src/bdf/data/bdf-ontology-snapshot.ttl")
columns = []
for m in re.finditer(r"(?:^|\n):([a-z0-9_]+) a owl:Class ;(.*?)\.(?=\n\n|\n*$)", ttl, re.S):
    name, body = m.group(1), m.group(2)
    pref = re.search(r'skos:prefLabel "([^"]+)"', body)
    if not pref:
        continue
    alts = []
    am = re.search(r"skos:altLabel (.*?) ;\n", body, re.S)
    if am:
        alts = re.findall(r'"([^"]+)"', am.group(1))
    notation = re.search(r'skos:notation "([^"]+)"', body)
    obligation = re.search(r':obligation "([a-z]+)"', body)
    unit = re.search(r'schema:unitCode "([^"]*)"', body)
    replaced = re.search(r"dcterms:isReplacedBy :([a-z0-9_]+)", body)
    measured = re.search(r'schema:measurementTechnique "([^"]+)"', body)
    derived = re.search(r"prov:wasDerivedFrom (.*?) ;\n", body, re.S)
    columns.append({
        "name": name,
        "label": pref.group(1),
        "notation": notation.group(1) if notation else name,
        "altLabels": alts,
        "obligation": obligation.group(1) if obligation else None,
        "deprecated": "owl:deprecated true" in body,
        **({"replacedBy": replaced.group(1)} if replaced else {}),
        **({"unitCode": unit.group(1)} if unit else {}),
        **({"definition": measured.group(1)} if measured else {}),
    })
columns.sort(key=lambda c: c["name"])
json.dump({
    "about": "Battery Data Format columns: preferred label, machine-readable notation, alternative labels, obligation (required/recommended/optional), deprecation",
    "source": {"repository": "battery-data-alliance/battery-data-format", "commit": commit,
               "path": "src/bdf/data/bdf-ontology-snapshot.ttl", "licence": "Apache-2.0"},
    "columns": columns,
}, open("data/bdf/columns.json", "w"), indent=1)

OUT = "test/conformance/corpora/bdf"
refs = []
for line in git("ls-tree", "-r", "-l", "HEAD", "docs/examples/reference/").splitlines():
    parts = line.split()
    path = parts[-1]
    blob = subprocess.run(["git", "-C", REPO, "show", f"HEAD:{path}"], capture_output=True)
    if blob.returncode != 0 or not blob.stdout:
        refs.append({"file": path, "present": False, "why": "not in the fetched snapshot (stored outside git)"})
        continue
    name = path.split("/")[-1]
    with gzip.GzipFile(f"{OUT}/{name}.gz", "wb", mtime=0) as f:
        f.write(blob.stdout)
    refs.append({"file": path, "present": True, "copy": f"{name}.gz", "bytes": len(blob.stdout)})
open(f"{OUT}/sample.bdf.csv", "wb").write(subprocess.run(["git", "-C", REPO, "show", "HEAD:tests/data/bdf/sample.bdf.csv"], capture_output=True).stdout)
known = re.search(r"KNOWN_NONCOMPLIANT: dict\[str, str\] = \{(.*?)\}", git("show", "HEAD:tests/integration/test_reference_data_valid.py"), re.S)
noncompliant = dict(re.findall(r'"([^"]+)": "([^"]+)"', known.group(1)))
json.dump({
    "about": "BDF reference datasets (docs/examples/reference) and the reference's own verdict on their derived-column consistency (tests/integration/test_reference_data_valid.py)",
    "repository": "battery-data-alliance/battery-data-format", "commit": commit,
    "licence": "repository Apache-2.0 (LICENSE-BDF.txt); the datasets CC-BY-4.0 (their registry metadata, schema:license)",
    "datasets": refs,
    "knownNoncompliant": noncompliant,
}, open(f"{OUT}/datasets.json", "w"), indent=1)
open(f"{OUT}/LICENSE-BDF.txt", "w").write(git("show", "HEAD:LICENSE"))
print(commit, len(columns), "columns")
