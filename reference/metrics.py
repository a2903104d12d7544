"""Write test/fixtures/metrics.json: scikit-learn's metrics for named confusion matrices.

Run with Debian's python3 and scikit-learn 1.2.1 from the repository root:

    /usr/bin/python3 reference/metrics.py

For every case the script expands the confusion matrix (rows are true classes,
columns predicted classes) into label vectors and computes per-class precision,
recall, F1 and support with precision_recall_fscore_support, accuracy with
accuracy_score, and the macro and weighted averages. All classes are passed as
``labels`` so that a class with neither true nor predicted rows still counts,
as it does in flowguard's sideMetrics.

Values use the default zero_division="warn", which sets an undefined 0/0 to 0.
A figure is marked undefined when it changes between zero_division=0 and
zero_division=1, which is exactly when scikit-learn substitutes a value.
"""

import json
import sys
import warnings
from pathlib import Path

import numpy as np
import sklearn
from sklearn.metrics import accuracy_score, precision_recall_fscore_support

CASES = [
    {
        "name": "perfect",
        "labels": ["Benign", "Syn", "UDP"],
        "confusion": [[5, 0, 0], [0, 7, 0], [0, 0, 3]],
    },
    {
        "name": "all wrong",
        "labels": ["Benign", "Syn", "UDP"],
        "confusion": [[0, 4, 1], [2, 0, 3], [6, 1, 0]],
    },
    {
        "name": "class never predicted",
        "labels": ["Benign", "LDAP", "MSSQL"],
        "confusion": [[9, 0, 1], [0, 0, 6], [2, 0, 12]],
    },
    {
        "name": "class with no true rows",
        "labels": ["Benign", "NetBIOS", "MSSQL"],
        "confusion": [[8, 2, 0], [0, 0, 0], [1, 3, 10]],
    },
    {
        "name": "class with no rows at all",
        "labels": ["Benign", "Portmap", "UDP"],
        "confusion": [[4, 0, 1], [0, 0, 0], [2, 0, 9]],
    },
    {
        "name": "one class",
        "labels": ["Benign"],
        "confusion": [[11]],
    },
    {
        "name": "binary",
        "labels": ["Benign", "Attack"],
        "confusion": [[950, 50], [30, 8970]],
    },
    {
        # Counts shaped like a cross-day CIC-DDoS2019 test set: LDAP and
        # NetBIOS often land in MSSQL, UDPLag is never predicted.
        "name": "eight classes realistic",
        "labels": ["Benign", "Syn", "UDP", "MSSQL", "LDAP", "NetBIOS", "Portmap", "UDPLag"],
        "confusion": [
            [7512, 14, 9, 3, 1, 6, 2, 0],
            [21, 90377, 40, 2, 0, 0, 1, 0],
            [4, 12, 257950, 180, 5, 3, 0, 0],
            [2, 0, 402, 50511, 371, 53, 0, 0],
            [0, 0, 17, 322, 2981, 4, 0, 0],
            [3, 0, 6, 71, 2, 1891, 213, 0],
            [1, 0, 0, 4, 0, 388, 1202, 0],
            [5, 9, 1460, 2, 0, 0, 0, 0],
        ],
    },
]


def expand(confusion):
    """Return (y_true, y_pred) vectors whose confusion matrix is `confusion`."""
    matrix = np.asarray(confusion, dtype=np.int64)
    k = matrix.shape[0]
    true_index = np.repeat(np.arange(k), k)
    pred_index = np.tile(np.arange(k), k)
    counts = matrix.ravel()
    return np.repeat(true_index, counts), np.repeat(pred_index, counts)


def scores(y_true, y_pred, labels, average, zero_division):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return precision_recall_fscore_support(
            y_true, y_pred, labels=labels, average=average, zero_division=zero_division
        )


def evaluate(case):
    y_true, y_pred = expand(case["confusion"])
    labels = list(range(len(case["labels"])))

    precision, recall, f1, support = scores(y_true, y_pred, labels, None, "warn")
    precision_1, recall_1, f1_1, _ = scores(y_true, y_pred, labels, None, 1)
    averages = {}
    for average in ("macro", "weighted"):
        p, r, f, _ = scores(y_true, y_pred, labels, average, "warn")
        averages[average] = {"precision": float(p), "recall": float(r), "f1": float(f)}

    return {
        "name": case["name"],
        "labels": case["labels"],
        "confusion": case["confusion"],
        "expected": {
            "accuracy": float(accuracy_score(y_true, y_pred)),
            "precision": [float(v) for v in precision],
            "recall": [float(v) for v in recall],
            "f1": [float(v) for v in f1],
            "support": [int(v) for v in support],
            "precisionUndefined": [bool(v) for v in precision != precision_1],
            "recallUndefined": [bool(v) for v in recall != recall_1],
            "f1Undefined": [bool(v) for v in f1 != f1_1],
            "macro": averages["macro"],
            "weighted": averages["weighted"],
        },
    }


def main():
    out = Path(__file__).resolve().parent.parent / "test" / "fixtures" / "metrics.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    fixture = {
        "generator": "reference/metrics.py",
        "sklearn": sklearn.__version__,
        "cases": [evaluate(case) for case in CASES],
    }
    out.write_text(json.dumps(fixture, indent=2) + "\n")
    print(f"wrote {len(CASES)} cases to {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
