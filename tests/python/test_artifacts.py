"""Artifacts and figures: content inline under the cap, hash only above it."""

import base64
import hashlib
import struct

import pytest

import jupyterlab_runs as runs


def tiny_png(width=3, height=2):
    return (b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR"
            + struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0) + b"\0\0\0\0")


def artifact_events(capture):
    return [e for e in capture.only_run()["events"] if e["kind"] == "artifact"]


def test_small_artifact_is_sent_inline(capture, tmp_path):
    path = tmp_path / "model.json"
    path.write_bytes(b'{"w": [1, 2]}')
    capture.shell.user_ns["p"] = str(path)
    capture.run("rec = runs.log_artifact(p)")
    (event,) = artifact_events(capture)
    assert event["skipped"] is False and event["encoding"] == "base64"
    assert base64.b64decode(event["data"]) == b'{"w": [1, 2]}'
    assert event["sha256"] == hashlib.sha256(b'{"w": [1, 2]}').hexdigest()
    assert (event["name"], event["size"], event["mime"]) == ("model.json", 13, "application/json")
    assert "data" not in capture.shell.user_ns["rec"]
    assert capture.messages()[-1][1]["summary"]["counts"]["artifact"] == 1


def test_artifact_over_cap_is_skipped_with_reason_and_warning(capture, tmp_path):
    runs.configure(max_artifact_bytes=10)
    path = tmp_path / "weights.bin"
    path.write_bytes(b"x" * 11)
    capture.shell.user_ns["p"] = str(path)
    with pytest.warns(UserWarning, match="above the 10-byte artifact limit"):
        capture.run("runs.log_artifact(p)")
    (event,) = artifact_events(capture)
    assert event["skipped"] is True and "data" not in event
    assert "11 bytes" in event["reason"] and "max_artifact_bytes" in event["reason"]
    assert event["sha256"] == hashlib.sha256(b"x" * 11).hexdigest() and event["size"] == 11


def test_artifact_at_cap_is_inline(capture, tmp_path):
    runs.configure(max_artifact_bytes=10)
    path = tmp_path / "ok.bin"
    path.write_bytes(b"y" * 10)
    capture.shell.user_ns["p"] = str(path)
    capture.run("runs.log_artifact(p)")
    assert artifact_events(capture)[0]["skipped"] is False


def test_missing_artifact_warns_and_logs_nothing(capture):
    with pytest.warns(UserWarning, match="found no file"):
        capture.run("runs.log_artifact('/no/such/file.pt')")
    assert capture.outputs == []


def test_configure_rejects_unknown_and_bad_settings():
    with pytest.raises(TypeError):
        runs.configure(max_artifact_byte=1)
    with pytest.raises(ValueError):
        runs.configure(max_artifact_bytes=-1)
    with pytest.raises(ValueError):
        runs.configure(mode="loud")


def test_figure_from_savefig_and_repr_png(capture):
    png = tiny_png()

    class MplLike:
        def savefig(self, buf, format, bbox_inches):
            assert format == "png"
            buf.write(png)

    class ReprPng:
        def _repr_png_(self):
            return png, {"width": 3}

    class Axes:
        figure = MplLike()

    capture.shell.user_ns.update(fig=MplLike(), img=ReprPng(), ax=Axes(), png=png)
    capture.run("runs.log_figure(fig, name='loss')\nruns.log_figure(img)\nruns.log_figure(ax)\n"
                "runs.log_figure(png)")
    figures = [e for e in capture.only_run()["events"] if e["kind"] == "figure"]
    assert len(figures) == 4
    assert figures[0]["name"] == "loss" and figures[1]["name"] == "figure"
    for event in figures:
        assert base64.b64decode(event["data"]) == png
        assert (event["mime"], event["width"], event["height"]) == ("image/png", 3, 2)


def test_figure_rejects_other_objects():
    with pytest.raises(TypeError, match="matplotlib figure"):
        runs.log_figure(object())
    with pytest.raises(TypeError):
        runs.log_figure(b"GIF89a")


def test_real_matplotlib_figure(capture):
    pytest.importorskip("matplotlib")
    capture.run("import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\n"
                "f, a = plt.subplots()\na.plot([1, 2, 3])\nruns.log_figure(f)")
    (event,) = [e for e in capture.only_run()["events"] if e["kind"] == "figure"]
    assert base64.b64decode(event["data"]).startswith(b"\x89PNG")
