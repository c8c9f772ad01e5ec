"""No secret of the kernel's environment, git configuration or remote URLs
reaches a file the extension writes.

A real kernel, started as jupyter_server starts one for a notebook, with a
canary secret in its environment variables (tokens, an index URL, git
configuration injected through ``GIT_CONFIG_*``), in the user's and the
repository's git configuration and credentials, and in the remote URL in
every credential form; an experiment cell runs with the environment and git
probes on. Every file written under the server root (the kernel's journal
with the run's snapshot: environment, packages, git state) is then searched
for the canary, in plain text and percent-encoded.
"""

import json
import os
import subprocess
import urllib.parse

import pytest

from jupyterlab_runs._journal import date_ms, run_id

manager = pytest.importorskip("jupyter_client.manager")
pytest.importorskip("ipykernel")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CANARY = "CANARYf00dfacec0ffee"

#: Remote URL forms, each with the canary where a credential goes.
REMOTES = {
    "origin": f"https://bot:{CANARY}-pw@git.example.com/t/x.git",
    "token": f"https://{CANARY}-tok@git.example.com/t/x.git",
    "query": f"https://git.example.com/t/x.git?access_token={CANARY}-q",
    "fragment": f"https://git.example.com/t/x.git#{CANARY}-frag",
    "encoded": f"https://bot%3A{CANARY}-enc@git.example.com/t/x.git",
}


def git(repo, *args):
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


@pytest.fixture()
def secret_kernel(tmp_path):
    root = tmp_path / "root"
    work = root / "work"
    work.mkdir(parents=True)
    home = tmp_path / "home"
    home.mkdir()
    (home / ".gitconfig").write_text(
        f"[github]\n\ttoken = {CANARY}-global\n"
        f'[url "https://x:{CANARY}-insteadof@git.example.com/"]\n\tinsteadOf = gx:\n')
    (home / ".git-credentials").write_text(f"https://bot:{CANARY}-store@git.example.com\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), GIT_CONFIG_NOSYSTEM="1")
    git(work, "init", "-q", "-b", "main")
    subprocess.run(["git", "-C", str(work), "config", "user.email", "t@example.invalid"],
                   check=True, env=env)
    subprocess.run(["git", "-C", str(work), "config", "user.name", "T"], check=True, env=env)
    (work / "train.py").write_text("lr = 0.1\n")
    subprocess.run(["git", "-C", str(work), "add", "train.py"], check=True, env=env)
    subprocess.run(["git", "-C", str(work), "commit", "-q", "-m", "init"], check=True, env=env)
    (work / "train.py").write_text("lr = 0.2\n")  # a diff is recorded too
    for name, url in REMOTES.items():
        subprocess.run(["git", "-C", str(work), "remote", "add", name, url], check=True, env=env)
    subprocess.run(["git", "-C", str(work), "remote", "add", "rewritten", "gx:t/x.git"],
                   check=True, env=env)
    subprocess.run(["git", "-C", str(work), "config", "http.extraHeader",
                    f"Authorization: Bearer {CANARY}-header"], check=True, env=env)
    subprocess.run(["git", "-C", str(work), "config", "credential.helper",
                    f"!f() {{ echo password={CANARY}-helper; }}; f"], check=True, env=env)
    env.update(
        JPY_SESSION_NAME=str(work / "train.ipynb"),
        PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""),
        GITHUB_TOKEN=f"{CANARY}-env",
        AWS_SECRET_ACCESS_KEY=f"{CANARY}-aws",
        PIP_INDEX_URL=f"https://u:{CANARY}-pip@pypi.example/simple",
        GIT_CONFIG_COUNT="1",
        GIT_CONFIG_KEY_0=f"url.https://{CANARY}-inject@git.example.com/.insteadOf",
        GIT_CONFIG_VALUE_0="https://nowhere.invalid/",
    )
    km, kc = manager.start_new_kernel(kernel_name="python3", startup_timeout=60,
                                      cwd=str(work), env=env)
    yield kc, root
    kc.stop_channels()
    km.shutdown_kernel(now=True)


def run_tagged(kc, code, tags):
    msg = kc.session.msg(
        "execute_request",
        {"code": code, "silent": False, "store_history": True, "user_expressions": {},
         "allow_stdin": False, "stop_on_error": True},
        metadata={"tags": tags, "cellId": "cell-c"},
    )
    kc.shell_channel.send(msg)
    while True:
        got = kc.get_iopub_msg(timeout=120)
        if (got["parent_header"].get("msg_id") == msg["header"]["msg_id"]
                and got["msg_type"] == "status"
                and got["content"]["execution_state"] == "idle"):
            return msg


def test_no_canary_in_any_file_the_kernel_writes(secret_kernel):
    kc, root = secret_kernel
    options = json.dumps({"notebook": "work/train.ipynb", "environment": True, "git": True,
                          "packages": True, "gpus": False, "params": True, "datasets": True})
    setup = ("__import__('jupyterlab_runs._capture', fromlist=['_'])"
             f".register({json.dumps(options)})")
    assert kc.execute_interactive(setup, silent=True, timeout=60)["content"]["status"] == "ok"
    # The variables are really there for the code to read.
    check = kc.execute_interactive("import os; assert os.environ['GITHUB_TOKEN']", timeout=60)
    assert check["content"]["status"] == "ok"
    msg = run_tagged(kc, "import jupyterlab_runs as runs\nlr = 0.5\nruns.log_metric('loss', 1.0)\n",
                     ["experiment"])

    journal = root / "work" / "train.runs" / "journal"
    rid = run_id(msg["header"]["msg_id"], date_ms(msg["header"]["date"]))
    end = json.loads((journal / f"{rid}.jsonl").read_text().splitlines()[-1])
    environment = end["snapshot"]["environment"]
    # What was recorded is the real thing, so finding no canary means something.
    assert environment["packages"]
    assert environment["git"]["remote"]["url"].startswith("https://***@git.example.com/")
    assert environment["git"]["diff"] or environment["git"].get("dirty")

    written = [p for p in root.rglob("*") if p.is_file() and ".git" not in p.parts]
    assert any(p.suffix == ".jsonl" for p in written)
    for path in written:
        text = path.read_text(errors="replace")
        for form in (CANARY, urllib.parse.quote(CANARY), CANARY.lower()):
            assert form not in text, f"{path.relative_to(root)} holds the canary"
