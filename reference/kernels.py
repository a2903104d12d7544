"""Reference outputs of scikit-learn and numpy for flowguard's numeric kernels.

Regenerate with:  /usr/bin/python3 reference/kernels.py
(run from the repository root; written for Debian's python3 with
scikit-learn 1.2.1, numpy and pandas).

It builds one fixed dataset of real CIC-DDoS2019 flows from the shipped
01-12 heads and writes to test/fixtures/kernels/:

  dataset.json      feature names, class names, X (one list per feature), y
  gaussian_nb.json  GaussianNB epsilon, theta, var, class prior, predict_proba
  logistic.json     StandardScaler + multinomial LogisticRegression predict_proba,
                    refined to full convergence (see refine_logistic)
  pearson.json      numpy Pearson correlation matrix (row-major)

flowguard stores features as float32, so X is cast to float32 first and
every reference computes on exactly those values, cast back to float64.
"""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import sklearn
from scipy.optimize import minimize
from scipy.special import logsumexp
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import GaussianNB
from sklearn.preprocessing import StandardScaler

HEADS = Path("test/data/heads/01-12")
OUT = Path("test/fixtures/kernels")

IDENTIFIERS = [
    "Unnamed: 0", "Flow ID", "Source IP", "Source Port",
    "Destination IP", "Destination Port", "Timestamp", "SimillarHTTP",
]

# (file, rows taken from its start). DrDoS_NTP supplies most BENIGN rows;
# LDAP, MSSQL and NetBIOS are the pairs that classifiers confuse.
SLICES = [
    ("DrDoS_NTP", 367),
    ("DrDoS_LDAP", 230),
    ("DrDoS_MSSQL", 230),
    ("DrDoS_NetBIOS", 230),
    ("DrDoS_UDP", 230),
    ("Syn", 230),
]


def load_dataset():
    """Return (feature names, float32 X, class index y, class names)."""
    frames = []
    for name, count in SLICES:
        frame = pd.read_csv(HEADS / f"{name}.head.csv", low_memory=False)
        frames.append(frame.head(count))
    data = pd.concat(frames, ignore_index=True)
    data.columns = [column.strip() for column in data.columns]
    data = data.drop(columns=IDENTIFIERS)

    labels = data.pop("Label").astype(str)
    features = data.apply(pd.to_numeric, errors="coerce").astype(np.float64)
    finite = np.isfinite(features.to_numpy()).all(axis=1)
    features = features[finite]
    labels = labels[finite]

    x32 = features.to_numpy().astype(np.float32)
    varying = x32.max(axis=0) != x32.min(axis=0)
    names = [name for name, keep in zip(features.columns, varying) if keep]
    x32 = x32[:, varying]

    class_names = sorted(labels.unique())
    y = np.searchsorted(class_names, labels.to_numpy())
    return names, x32, y, class_names


def multinomial_objective(z, y, class_count, c):
    """Return f(w) -> (objective / rows, gradient / rows) of scikit-learn's
    multinomial logistic regression: sum of log losses + ||W||^2 / (2C), with
    w = K rows of [W_c, b_c] and unpenalised intercepts b."""
    rows = z.shape[0]
    onehot = np.eye(class_count)[y]

    def objective(w):
        coef = w.reshape(class_count, -1)
        weights, intercept = coef[:, :-1], coef[:, -1]
        scores = z @ weights.T + intercept
        lse = logsumexp(scores, axis=1)
        residual = np.exp(scores - lse[:, None]) - onehot
        loss = (lse - scores[np.arange(rows), y]).sum() + (weights ** 2).sum() / (2 * c)
        grad = np.hstack([residual.T @ z + weights / c, residual.sum(axis=0)[:, None]])
        return loss / rows, grad.ravel() / rows

    return objective


def refine_logistic(model, z, y, c):
    """Continue from a fitted LogisticRegression to full convergence.

    scikit-learn 1.2.1 runs scipy's L-BFGS-B with ftol = 64 * machine epsilon,
    so it stops on a small relative decrease of the objective whatever `tol`
    is. On this dataset that leaves max |gradient| / rows near 3e-6 and
    probabilities about 5e-4 from the optimum. The same objective is
    therefore minimised further from scikit-learn's solution with ftol 0.
    Returns (probabilities, max |gradient| / rows before, after).
    """
    class_count = len(model.classes_)
    objective = multinomial_objective(z, y, class_count, c)
    start = np.hstack([model.coef_, model.intercept_[:, None]]).ravel()
    before = np.abs(objective(start)[1]).max()
    result = minimize(objective, start, jac=True, method="L-BFGS-B",
                      options={"gtol": 1e-12, "ftol": 0, "maxiter": 100000, "maxcor": 30})
    coef = result.x.reshape(class_count, -1)
    scores = z @ coef[:, :-1].T + coef[:, -1]
    proba = np.exp(scores - logsumexp(scores, axis=1)[:, None])
    return proba, before, np.abs(result.jac).max()


def float32_text(value):
    """Return the shortest decimal text that reads back as the same float32."""
    return np.format_float_positional(np.float32(value), unique=True, trim="-")


def write_json(path, payload, raw=None):
    """Write compact JSON; `raw` maps a key to text spliced in as its value."""
    text = json.dumps(payload, separators=(",", ":"))
    for key, value in (raw or {}).items():
        text = text.replace(json.dumps(key), value, 1)
    path.write_text(text + "\n")


def main():
    names, x32, y, class_names = load_dataset()
    x = x32.astype(np.float64)
    OUT.mkdir(parents=True, exist_ok=True)

    # Columns as float32 text; spliced in raw so json.dumps does not widen them.
    columns = "[" + ",".join("[" + ",".join(float32_text(v) for v in x32[:, j]) + "]" for j in range(x32.shape[1])) + "]"
    write_json(OUT / "dataset.json", {
        "source": "first rows of test/data/heads/01-12: " + ", ".join(f"{n} ({c})" for n, c in SLICES),
        "featureNames": names,
        "classNames": class_names,
        "rows": int(x.shape[0]),
        "columns": "@columns@",
        "y": [int(v) for v in y],
    }, raw={"@columns@": columns})

    gnb = GaussianNB().fit(x, y)
    write_json(OUT / "gaussian_nb.json", {
        "sklearn": sklearn.__version__,
        "epsilon": float(gnb.epsilon_),
        "theta": gnb.theta_.ravel().tolist(),
        "var": gnb.var_.ravel().tolist(),
        "classPrior": gnb.class_prior_.tolist(),
        "proba": gnb.predict_proba(x).ravel().tolist(),
        "predict": gnb.predict(x).tolist(),
    })

    z = StandardScaler().fit_transform(x)
    lr = LogisticRegression(C=1.0, multi_class="multinomial", solver="lbfgs", tol=1e-10, max_iter=100000)
    lr.fit(z, y)
    sklearn_proba = lr.predict_proba(z)
    proba, gradient_before, gradient_after = refine_logistic(lr, z, y, 1.0)
    write_json(OUT / "logistic.json", {
        "sklearn": sklearn.__version__,
        "C": 1.0,
        "nIter": int(lr.n_iter_[0]),
        "sklearnGradientMax": float(gradient_before),
        "gradientMax": float(gradient_after),
        "sklearnMaxDeviation": float(np.abs(sklearn_proba - proba).max()),
        "proba": proba.ravel().tolist(),
    })

    write_json(OUT / "pearson.json", {
        "numpy": np.__version__,
        "r": np.corrcoef(x, rowvar=False).ravel().tolist(),
    })


if __name__ == "__main__":
    main()
