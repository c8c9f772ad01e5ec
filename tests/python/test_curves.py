"""ROC/PR curves and confusion matrices against hand-computed answers."""

import random

import pytest

import jupyterlab_runs as runs
from jupyterlab_runs._curves import confusion_matrix, pr_curve, roc_curve

Y = [0, 0, 1, 1]
S = [0.1, 0.4, 0.35, 0.8]


def test_roc_hand_example():
    # sorted by score: 0.8 P, 0.4 N, 0.35 P, 0.1 N
    roc = roc_curve(Y, S)
    assert roc["fpr"] == [0.0, 0.0, 0.5, 0.5, 1.0]
    assert roc["tpr"] == [0.0, 0.5, 0.5, 1.0, 1.0]
    assert roc["thresholds"] == [float("inf"), 0.8, 0.4, 0.35, 0.1]
    assert roc["auc"] == 0.75  # 0.5 * 0.5 + 0.5 * 1
    assert (roc["positives"], roc["negatives"]) == (2, 2)


def test_roc_with_ties_counts_half():
    # pairs (pos, neg): (.5,.5) tie=.5, (.5,.1)=1, (.9,.5)=1, (.9,.1)=1 -> 3.5/4
    roc = roc_curve([1, 0, 1, 0], [0.5, 0.5, 0.9, 0.1])
    assert roc["auc"] == 0.875
    assert roc["fpr"] == [0.0, 0.0, 0.5, 1.0] and roc["tpr"] == [0.0, 0.5, 1.0, 1.0]


def test_roc_drops_collinear_points():
    roc = roc_curve([1, 1, 1, 0, 0, 0], [0.9, 0.8, 0.7, 0.3, 0.2, 0.1])
    assert roc["fpr"] == [0.0, 0.0, 0.0, 1.0] and roc["tpr"] == [0.0, 1 / 3, 1.0, 1.0]
    assert roc["auc"] == 1.0


def test_pr_hand_example():
    pr = pr_curve(Y, S)
    assert pr["thresholds"] == [float("inf"), 0.8, 0.4, 0.35, 0.1]
    assert pr["recall"] == [0.0, 0.5, 0.5, 1.0, 1.0]
    assert pr["precision"] == [1.0, 1.0, 0.5, 2 / 3, 0.5]
    assert pr["average_precision"] == pytest.approx(0.5 * 1 + 0.5 * 2 / 3)


def brute_auc(y, s):
    pos = [x for t, x in zip(y, s) if t]
    neg = [x for t, x in zip(y, s) if not t]
    wins = sum(1.0 if p > n else 0.5 if p == n else 0.0 for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


def brute_ap(y, s):  # no ties: mean precision at the rank of each positive
    ranked = [t for _, t in sorted(zip(s, y), reverse=True)]
    hits, total = 0, 0.0
    for k, t in enumerate(ranked, 1):
        if t:
            hits += 1
            total += hits / k
    return total / hits


def test_random_curves_match_brute_force_and_thinning_keeps_auc():
    rng = random.Random(7)
    y = [rng.random() < 0.4 for _ in range(600)]
    tied = [round(rng.random() + 0.3 * t, 2) for t in y]  # many ties
    roc = roc_curve(y, tied, max_points=20)
    assert roc["auc"] == pytest.approx(brute_auc(y, tied), abs=1e-12)
    assert len(roc["fpr"]) <= 20 and roc["fpr"][0] == 0.0 and roc["fpr"][-1] == 1.0
    distinct = [rng.random() + 0.5 * t for t in y]
    assert pr_curve(y, distinct)["average_precision"] == pytest.approx(brute_ap(y, distinct))


def test_numpy_inputs_and_labels():
    np = pytest.importorskip("numpy")
    assert roc_curve(np.array(Y), np.array(S, dtype=np.float32))["auc"] == 0.75
    assert roc_curve([-1, -1, 1, 1], S)["auc"] == 0.75
    assert roc_curve([False, False, True, True], S)["auc"] == 0.75
    assert roc_curve(["cat", "cat", "dog", "dog"], S, pos_label="dog")["auc"] == 0.75
    with pytest.raises(ValueError, match="pos_label"):
        roc_curve(["cat", "cat", "dog", "dog"], S)


def test_curve_errors():
    with pytest.raises(ValueError, match="both"):
        roc_curve([1, 1], [0.2, 0.3])
    with pytest.raises(ValueError, match="items"):
        roc_curve([0, 1], [0.2])
    with pytest.raises(ValueError, match="roc"):
        runs.log_curve("auc", Y, S)


def test_log_curve_events(capture):
    capture.shell.user_ns.update(y=Y, s=S)
    capture.run("roc = runs.log_curve('roc', y, s)\npr = runs.log_curve('pr', y, s, name='val')")
    roc, pr = [e for e in capture.only_run()["events"] if e["kind"] == "curve"]
    assert (roc["curve"], roc["name"], roc["auc"]) == ("roc", "roc", 0.75)
    assert roc["thresholds"][0] == "Infinity" and roc["thresholds"][1:] == [0.8, 0.4, 0.35, 0.1]
    assert (pr["curve"], pr["name"]) == ("pr", "val")
    assert capture.shell.user_ns["roc"]["auc"] == 0.75  # returned to the user too
    assert capture.messages()[-1][1]["summary"]["counts"]["curve"] == 2


def test_confusion_matrix_counts():
    # scikit-learn's documented example
    assert confusion_matrix([2, 0, 2, 2, 0, 1], [0, 0, 2, 2, 0, 2])["matrix"] == [
        [2, 0, 0], [0, 0, 1], [1, 0, 2]]
    animals = confusion_matrix(["cat", "ant", "cat", "cat", "ant", "bird"],
                               ["ant", "ant", "cat", "cat", "ant", "cat"])
    assert animals["labels"] == ["ant", "bird", "cat"]
    assert animals["matrix"] == [[2, 0, 0], [0, 0, 1], [1, 0, 2]]
    subset = confusion_matrix([2, 0, 2, 2, 0, 1], [0, 0, 2, 2, 0, 2], labels=[2, 0])
    assert subset == {"labels": [2, 0], "matrix": [[2, 1], [0, 2]], "samples": 6}
    mixed = confusion_matrix([1, "a"], ["a", "a"])
    assert mixed["labels"] == [1, "a"] and mixed["matrix"] == [[0, 1], [0, 1]]
    with pytest.raises(ValueError):
        confusion_matrix([1, 2], [1])


def test_log_confusion_matrix_event(capture):
    np = pytest.importorskip("numpy")
    capture.shell.user_ns.update(yt=np.array([1, 0, 1]), yp=np.array([1, 1, 1]))
    capture.run("cm = runs.log_confusion_matrix(yt, yp, labels=[0, 1])")
    (event,) = capture.only_run()["events"]
    assert event["kind"] == "confusion_matrix" and event["name"] == "confusion_matrix"
    assert event["labels"] == [0, 1] and event["matrix"] == [[0, 1], [0, 2]]
