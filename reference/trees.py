"""Write scikit-learn's decision trees and random forests on real flows as fixtures.

flowguard's tree tests compare against this output. The input is the real
CIC-DDoS2019 heads in test/data/heads/01-12, loaded the way flowguard loads
them: identifier and time columns dropped, rows with a non-finite feature
dropped, features cast to float32, classes numbered in sorted order of the
raw labels. Even rows train, odd rows are predicted.

Regenerate with Debian's scikit-learn 1.2.1:
    /usr/bin/python3 reference/trees.py
"""
import glob
import json
import os

import numpy as np
import pandas as pd
import sklearn
from sklearn.ensemble import RandomForestClassifier
from sklearn.tree import DecisionTreeClassifier

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IDENTIFIERS = {"Unnamed: 0", "Flow ID", "Source IP", "Source Port", "Destination IP",
               "Destination Port", "Timestamp", "SimillarHTTP"}


def load_heads():
    files = sorted(glob.glob(os.path.join(ROOT, "test/data/heads/01-12/*.head.csv")))
    frames = [pd.read_csv(f, low_memory=False) for f in files]
    frame = pd.concat(frames, ignore_index=True)
    frame.columns = [c.strip() for c in frame.columns]
    features = [c for c in frame.columns if c not in IDENTIFIERS and c != "Label"]
    x = frame[features].to_numpy(dtype=np.float64)
    finite = np.isfinite(x).all(axis=1)
    x = x[finite].astype(np.float32)
    labels = frame["Label"].astype(str).str.strip().to_numpy()[finite]
    classes = sorted(set(labels))
    y = np.array([classes.index(v) for v in labels], dtype=np.int32)
    return [os.path.relpath(f, ROOT) for f in files], features, x, y, classes


def tree_arrays(tree):
    t = tree.tree_
    return {
        "nodeCount": int(t.node_count),
        "depth": int(t.max_depth),
        "feature": t.feature.tolist(),
        "threshold": t.threshold.tolist(),
        "childrenLeft": t.children_left.tolist(),
        "impurity": t.impurity.tolist(),
        "weightedNodeSamples": t.weighted_n_node_samples.tolist(),
    }


def main():
    files, features, x, y, classes = load_heads()
    train, test = x[0::2], x[1::2]
    y_train = y[0::2]
    out = {
        "sklearn": sklearn.__version__,
        "files": files,
        "featureNames": features,
        "rows": int(len(y)),
        "classes": classes,
        "columnSums": x.astype(np.float64).sum(axis=0).tolist(),
        "randint": {"seed": 7, "high": 1000, "values": np.random.RandomState(7).randint(0, 1000, 20).tolist()},
        "trees": [],
        "forests": [],
    }
    for seed, options in [(0, {}), (42, {}), (3, {"max_depth": 4}), (5, {"min_samples_leaf": 5, "min_samples_split": 12}),
                          (11, {"max_features": 7})]:
        tree = DecisionTreeClassifier(random_state=seed, **options).fit(train, y_train)
        entry = {"seed": seed, "options": options, **tree_arrays(tree)}
        entry["predictions"] = tree.predict(test).tolist()
        entry["importances"] = tree.feature_importances_.tolist()
        out["trees"].append(entry)
    for seed, options in [(0, {"n_estimators": 10}), (1234, {"n_estimators": 5, "max_depth": 6})]:
        forest = RandomForestClassifier(random_state=seed, **options).fit(train, y_train)
        proba = forest.predict_proba(test)
        out["forests"].append({
            "seed": seed,
            "options": options,
            "treeSeeds": [int(e.random_state) for e in forest.estimators_],
            "nodeCounts": [int(e.tree_.node_count) for e in forest.estimators_],
            "firstTree": tree_arrays(forest.estimators_[0]),
            "importances": forest.feature_importances_.tolist(),
            "predictions": forest.predict(test).tolist(),
            "probaHead": proba[:40].tolist(),
        })
    path = os.path.join(ROOT, "test/fixtures/trees/heads.json")
    with open(path, "w") as handle:
        json.dump(out, handle)
    print(f"wrote {path}: {len(y)} rows, {len(features)} features, {len(classes)} classes")


if __name__ == "__main__":
    main()
