"""Outside IPython (scripts, plain ``python -c``) every call is harmless."""

import os
import subprocess
import sys
import textwrap

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# An unbuilt source tree has no _version.py and warns about it on import.
PYTHON = [sys.executable, "-W", "ignore:Importing:UserWarning"]

SCRIPT = textwrap.dedent("""
    import sys, struct, zlib
    import jupyterlab_runs as runs

    open("data.csv", "w").write("a,b\\n1,2\\n")
    for i in range(100_000):
        runs.log_metric("loss", 1.0 / (i + 1))
    runs.log_metrics({"acc": 0.5, "nan": float("nan")}, step=3)
    runs.log_param("lr", 0.1); runs.log_params({"a": 1})
    runs.set_tag("t", "v"); runs.set_tags({"u": 2})
    art = runs.log_artifact("data.csv")
    ds = runs.log_dataset("data.csv", name="train")
    cm = runs.log_confusion_matrix([0, 1, 1], [0, 1, 0])
    roc = runs.log_curve("roc", [0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    pr = runs.log_curve("pr", [0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    png = b"\\x89PNG\\r\\n\\x1a\\n" + struct.pack(">I", 13) + b"IHDR" + struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    fig = runs.log_figure(png)
    runs.flush()
    assert art["sha256"] and ds["name"] == "train" and cm["matrix"] == [[1, 0], [1, 1]]
    assert roc["auc"] == 0.75 and fig["width"] == 1
    sys.exit(3 if "IPython" in sys.modules else 0)
""")


def test_plain_python_is_quiet_and_never_raises(tmp_path):
    env = dict(os.environ, PYTHONPATH=ROOT)
    done = subprocess.run([*PYTHON, "-c", SCRIPT], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr  # 3 would mean IPython was imported
    assert done.stdout == ""
    notes = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(notes) == 1 and "not running in an IPython kernel" in notes[0], done.stderr


def test_mode_off_has_no_note_at_all(tmp_path):
    env = dict(os.environ, PYTHONPATH=ROOT)
    code = ("import jupyterlab_runs as runs\nruns.configure(mode='off')\n"
            "runs.log_metric('x', 1)\nruns.log_param('p', 1)")
    done = subprocess.run([*PYTHON, "-c", code], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
