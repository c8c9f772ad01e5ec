"""ROC and precision-recall curves and confusion matrices in pure Python.

The kernel may not have scikit-learn, and the numbers must match what users
compare against, so the definitions follow scikit-learn's
``roc_curve``/``roc_auc_score``, ``precision_recall_curve``/
``average_precision_score`` and ``confusion_matrix`` (rows are true labels,
columns predicted labels). Inputs are lists, tuples or numpy arrays.
"""

import math

from ._encoding import label_json, to_list

MAX_LABELS = 1000


def _binary(y_true, y_score, pos_label):
    """Validated (is_positive list, score list) for a binary problem."""
    yt = to_list(y_true, "y_true")
    ys = [float(s) for s in to_list(y_score, "y_score")]
    if len(yt) != len(ys):
        raise ValueError(f"y_true has {len(yt)} items but y_score has {len(ys)}")
    if not yt:
        raise ValueError("y_true is empty")
    if any(s != s for s in ys):
        raise ValueError("y_score contains NaN")
    if pos_label is None:
        classes = set(yt)
        if not (classes <= {0, 1} or classes <= {-1, 1}):
            shown = sorted(map(repr, classes))[:5]
            raise ValueError(f"y_true labels {shown} are not 0/1, -1/1 or booleans; "
                             "pass pos_label=")
        pos_label = 1
    return [t == pos_label for t in yt], ys


def _counts(positive, scores):
    """Cumulative (fps, tps, thresholds) at each distinct score, high to low."""
    order = sorted(range(len(scores)), key=scores.__getitem__, reverse=True)
    fps, tps, thresholds = [], [], []
    tp = fp = 0
    last = len(order) - 1
    for k, i in enumerate(order):
        if positive[i]:
            tp += 1
        else:
            fp += 1
        if k == last or scores[order[k + 1]] != scores[i]:
            fps.append(fp)
            tps.append(tp)
            thresholds.append(scores[i])
    return fps, tps, thresholds


def _corners(xs, ys):
    """Indices of points that are not collinear with both neighbours."""
    keep = [0]
    for i in range(1, len(xs) - 1):
        if (xs[i + 1] - 2 * xs[i] + xs[i - 1]) or (ys[i + 1] - 2 * ys[i] + ys[i - 1]):
            keep.append(i)
    if len(xs) > 1:
        keep.append(len(xs) - 1)
    return keep


def _thin(indices, max_points):
    """At most ``max_points`` of ``indices``, evenly spread, ends kept."""
    n = len(indices)
    if max_points < 2 or n <= max_points:
        return indices
    picked = sorted({round(k * (n - 1) / (max_points - 1)) for k in range(max_points)})
    return [indices[k] for k in picked]


def trapezoid(xs, ys):
    return sum((xs[i] - xs[i - 1]) * (ys[i] + ys[i - 1]) / 2.0 for i in range(1, len(xs)))


def roc_curve(y_true, y_score, pos_label=None, max_points=1000):
    """fpr, tpr and thresholds (first threshold +inf), and the area under it.

    Collinear points are dropped as scikit-learn does; if more than
    ``max_points`` remain they are thinned for display, but ``auc`` is always
    computed on the full curve.
    """
    positive, scores = _binary(y_true, y_score, pos_label)
    fps, tps, thresholds = _counts(positive, scores)
    p, n = tps[-1], fps[-1]
    if p == 0 or n == 0:
        raise ValueError("a ROC curve needs both positive and negative samples in y_true")
    keep = _corners(fps, tps)
    fpr = [0.0] + [fps[i] / n for i in keep]
    tpr = [0.0] + [tps[i] / p for i in keep]
    thr = [math.inf] + [thresholds[i] for i in keep]
    auc = trapezoid(fpr, tpr)
    shown = _thin(list(range(len(fpr))), max_points)
    return {
        "fpr": [fpr[i] for i in shown],
        "tpr": [tpr[i] for i in shown],
        "thresholds": [thr[i] for i in shown],
        "auc": auc,
        "positives": p,
        "negatives": n,
    }


def pr_curve(y_true, y_score, pos_label=None, max_points=1000):
    """precision, recall and thresholds from the highest threshold down.

    The first point is the conventional anchor (threshold +inf, recall 0,
    precision 1). ``average_precision`` is scikit-learn's step-wise
    sum of ``(R_k - R_{k-1}) * P_k``, not a trapezoid.
    """
    positive, scores = _binary(y_true, y_score, pos_label)
    fps, tps, thresholds = _counts(positive, scores)
    p = tps[-1]
    if p == 0:
        raise ValueError("a precision-recall curve needs positive samples in y_true")
    precision = [1.0] + [tp / (tp + fp) for tp, fp in zip(tps, fps)]
    recall = [0.0] + [tp / p for tp in tps]
    thr = [math.inf] + thresholds
    ap = sum((recall[k] - recall[k - 1]) * precision[k] for k in range(1, len(recall)))
    shown = _thin(list(range(len(recall))), max_points)
    return {
        "precision": [precision[i] for i in shown],
        "recall": [recall[i] for i in shown],
        "thresholds": [thr[i] for i in shown],
        "average_precision": ap,
        "positives": p,
        "negatives": fps[-1],
    }


def confusion_matrix(y_true, y_pred, labels=None):
    """Counts ``matrix[i][j]`` of samples with true label i predicted as j.

    Without ``labels``, the sorted union of both inputs (first-seen order if
    they cannot be sorted). With ``labels``, pairs involving any other label
    are left out, as in scikit-learn.
    """
    yt = to_list(y_true, "y_true")
    yp = to_list(y_pred, "y_pred")
    if len(yt) != len(yp):
        raise ValueError(f"y_true has {len(yt)} items but y_pred has {len(yp)}")
    if labels is None:
        seen = list(dict.fromkeys(yt + yp))
        try:
            labels = sorted(seen)
        except TypeError:
            labels = seen
    else:
        labels = to_list(labels, "labels")
    if len(labels) > MAX_LABELS:
        raise ValueError(f"{len(labels)} distinct labels (more than {MAX_LABELS}): "
                         "are these class labels?")
    index = {label: i for i, label in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for t, p in zip(yt, yp):
        i, j = index.get(t), index.get(p)
        if i is not None and j is not None:
            matrix[i][j] += 1
    return {"labels": [label_json(x) for x in labels], "matrix": matrix, "samples": len(yt)}
