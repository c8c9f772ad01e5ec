"""Sum the test runners' reports into one line: "N passed, M failed".

Reads jest's --json output, Playwright's JSON reporter and pytest's JUnit XML
from the reports folder. Exits 1 if any test failed or no test ran.
"""
import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path


def jest(path):
    data = json.loads(path.read_text())
    return data["numPassedTests"], data["numFailedTests"]


def playwright(path):
    stats = json.loads(path.read_text())["stats"]
    # "flaky" passed on a retry; retries are off, so count it as failed anyway.
    return stats["expected"], stats["unexpected"] + stats.get("flaky", 0)


def pytest(path):
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    total = failed = skipped = 0
    for suite in suites:
        total += int(suite.get("tests", 0))
        failed += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skipped += int(suite.get("skipped", 0))
    return total - failed - skipped, failed


def main(folder):
    folder = Path(folder)
    runners = [("jest", "jest.json", jest), ("pytest", "pytest.xml", pytest),
               ("galata", "playwright.json", playwright)]
    passed = failed = 0
    for name, file, read in runners:
        path = folder / file
        if not path.exists():
            print(f"{name}: no report (did not run)")
            continue
        p, f = read(path)
        print(f"{name}: {p} passed, {f} failed")
        passed += p
        failed += f
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "reports"))
