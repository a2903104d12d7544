"""Train scikit-learn on the rows a flowguard experiment exported; write the fixture its tests compare with.

flowguard writes the cleaned, split, feature-filtered rows with
`flowguard experiment --export DIR` (train.csv, test.csv, meta.json: float32
values printed exactly, class indices). This script trains scikit-learn's
counterparts of flowguard's four models on exactly those rows:

- GaussianNB(var_smoothing=1e-9)
- DecisionTreeClassifier(random_state=seed)
- RandomForestClassifier(n_estimators=100, random_state=seed, n_jobs=2)
- StandardScaler + LogisticRegression(C=1, lbfgs, multinomial); its test
  probabilities are then taken at the optimum of the same objective, reached
  from scikit-learn's solution with scipy's L-BFGS-B, because scikit-learn
  stops early (see refined_logistic_proba)

Usage (Debian's scikit-learn 1.2.1):
    /usr/bin/python3 reference/experiment.py EXPORT_DIR OUTPUT.json
reference/make_fixtures.mjs runs the export and this script together.
"""
import json
import sys
import time

import os

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.special import logsumexp
import sklearn
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, confusion_matrix, precision_recall_fscore_support
from sklearn.naive_bayes import GaussianNB
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier

PROBA_STRIDE = 25  # probabilities are kept for every 25th test row

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kernels import multinomial_objective  # noqa: E402


def refined_logistic_proba(pipeline, x_train, y_train, x_test, class_count):
    """Minimise scikit-learn's own objective further from its solution.

    scikit-learn 1.2.1 stops lbfgs on a small relative decrease of the loss
    whatever `tol` is, some 1e-4 from the optimum in probability; flowguard
    converges to the optimum, so the comparison uses the optimum. Returns the
    test probabilities and max |gradient| / rows before and after.
    """
    scaler, model = pipeline[0], pipeline[-1]
    z_train, z_test = scaler.transform(x_train), scaler.transform(x_test)
    objective = multinomial_objective(z_train, y_train, class_count, model.C)
    start = np.hstack([model.coef_, model.intercept_[:, None]]).ravel()
    before = float(np.abs(objective(start)[1]).max())
    result = minimize(objective, start, jac=True, method="L-BFGS-B",
                      options={"gtol": 1e-12, "ftol": 0, "maxiter": 100000, "maxcor": 30})
    coef = result.x.reshape(class_count, -1)
    scores = z_test @ coef[:, :-1].T + coef[:, -1]
    proba = np.exp(scores - logsumexp(scores, axis=1)[:, None])
    return proba, before, float(np.abs(result.jac).max())


def load(path, features):
    frame = pd.read_csv(path, dtype={name: np.float64 for name in features} | {"class": np.int64})
    x = frame[features].to_numpy(dtype=np.float64).astype(np.float32)
    return x, frame["class"].to_numpy()


def side_figures(y_true, y_pred, classes):
    labels = list(range(len(classes)))
    precision, recall, f1, support = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    return {
        "accuracy": accuracy_score(y_true, y_pred),
        "precision": precision.tolist(),
        "recall": recall.tolist(),
        "f1": f1.tolist(),
        "support": support.tolist(),
        "confusion": confusion_matrix(y_true, y_pred, labels=labels).tolist(),
    }


def main():
    export_dir, output = sys.argv[1], sys.argv[2]
    meta = json.load(open(f"{export_dir}/meta.json"))
    features, classes, seed = meta["featureNames"], meta["classNames"], meta["seed"]
    x_train, y_train = load(f"{export_dir}/train.csv", features)
    x_test, y_test = load(f"{export_dir}/test.csv", features)
    x_train64, x_test64 = x_train.astype(np.float64), x_test.astype(np.float64)
    models = {
        "gnb": (GaussianNB(var_smoothing=1e-9), True),
        "dt": (DecisionTreeClassifier(random_state=seed), False),
        "rf": (RandomForestClassifier(n_estimators=100, random_state=seed, n_jobs=2), False),
        "lr": (make_pipeline(StandardScaler(), LogisticRegression(C=1.0, tol=1e-10, max_iter=100000)), True),
    }
    out = {
        "sklearn": sklearn.__version__,
        "recipe": meta["recipe"],
        "seed": seed,
        "featureNames": features,
        "classNames": classes,
        "rows": {"train": int(len(y_train)), "test": int(len(y_test))},
        "probaStride": PROBA_STRIDE,
        "correlation": np.corrcoef(x_train64, rowvar=False).tolist(),
        "models": {},
    }
    for kind, (model, wants_float64) in models.items():
        train_x, test_x = (x_train64, x_test64) if wants_float64 else (x_train, x_test)
        start = time.perf_counter()
        model.fit(train_x, y_train)
        fit_seconds = time.perf_counter() - start
        test_pred = model.predict(test_x)
        entry = {
            "fitSeconds": fit_seconds,
            "train": side_figures(y_train, model.predict(train_x), classes),
            "test": side_figures(y_test, test_pred, classes),
            "testProba": model.predict_proba(test_x)[::PROBA_STRIDE].tolist(),
        }
        if kind == "lr":
            proba, before, after = refined_logistic_proba(model, train_x, y_train, test_x, len(classes))
            entry["sklearnTestProba"] = entry["testProba"]
            entry["testProba"] = proba[::PROBA_STRIDE].tolist()
            entry["gradientMax"] = {"sklearn": before, "refined": after}
        if kind in ("dt", "rf"):
            entry["testPredictions"] = test_pred.tolist()
            entry["importances"] = model.feature_importances_.tolist()
        if kind == "dt":
            entry["nodeCount"] = int(model.tree_.node_count)
        out["models"][kind] = entry
        print(f"{kind}: fit {fit_seconds:.2f} s, test accuracy {entry['test']['accuracy']:.4f}", file=sys.stderr)
    with open(output, "w") as handle:
        json.dump(out, handle)


if __name__ == "__main__":
    main()
