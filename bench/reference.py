"""Time the tools a flowguard user would otherwise use, on the benchmark's data.

bench/run.mjs starts this script once per step, so each step runs in a fresh
process and the peak resident set size it reports (getrusage ru_maxrss)
belongs to that step alone:

    /usr/bin/python3 bench/reference.py STEP --split DIR --runs R --trees T
        --seed S --result FILE

STEP is one of the names in STEPS below, or "versions". The model steps read
the raw files that bench/prepare.ts wrote (float32 features, column-major,
and int32 class indices), so they time the fit alone. The model options are
scikit-learn's defaults, as in the study, with the seed as random_state,
n_jobs=2 for the forest and --lr-max-iter (default 100, scikit-learn's
default) for the logistic regression.
"""
import argparse
import gc
import json
import platform
import resource
import sys
import time
import warnings

import numpy as np


def time_runs(runs, work):
    """Call work(run) once per run after a garbage collection; return seconds per run."""
    seconds = []
    for run in range(runs):
        gc.collect()
        start = time.perf_counter()
        work(run)
        seconds.append(time.perf_counter() - start)
    return seconds


def read_matrix(path, rows, cols):
    """Read a column-major float32 file as a (rows, cols) Fortran-ordered array, without a copy."""
    values = np.fromfile(path, dtype="<f4")
    if values.size != rows * cols:
        raise ValueError(f"bench: {path} contains {values.size} values, expected {rows} x {cols}; run the preparation again")
    return values.reshape(cols, rows).T


def load_split(args, meta):
    cols = len(meta["featureNames"])
    return (
        read_matrix(f"{args.split}/x_train.f32", meta["rows"]["train"], cols),
        np.fromfile(f"{args.split}/y_train.i32", dtype="<i4"),
        read_matrix(f"{args.split}/x_test.f32", meta["rows"]["test"], cols),
        np.fromfile(f"{args.split}/y_test.i32", dtype="<i4"),
    )


def accuracy(predicted, expected):
    return round(float(np.mean(predicted == expected)), 4)


def read_pandas(args, meta):
    import pandas as pd

    rows = 0

    def work(run):
        nonlocal rows
        rows = len(pd.read_csv(meta["csvPath"]))

    seconds = time_runs(args.runs, work)
    return [{"step": "read", "tool": "pandas read_csv (all columns)", "seconds": seconds, "details": {"rows": rows}}]


def read_pandas_features(args, meta):
    """Read only the columns flowguard keeps, features as float32, as close to readCsv's output as pandas gets."""
    import pandas as pd

    header = pd.read_csv(meta["csvPath"], nrows=0).columns
    kept = set(meta["allFeatureNames"]) | {"Label"}
    usecols = [name for name in header if name.strip() in kept]
    dtype = {name: np.float32 for name in usecols if name.strip() != "Label"}
    rows = 0

    def work(run):
        nonlocal rows
        rows = len(pd.read_csv(meta["csvPath"], usecols=usecols, dtype=dtype))

    seconds = time_runs(args.runs, work)
    tool = "pandas read_csv (feature and label columns, float32)"
    return [{"step": "read", "tool": tool, "seconds": seconds, "details": {"rows": rows}}]


def clean_pandas(args, meta):
    """Clean as the study does, in pandas: drop identifiers, map labels and filter classes, drop non-finite rows and duplicates."""
    import pandas as pd

    rows = 0

    def work(run):
        nonlocal rows
        frame = pd.read_csv(meta["csvPath"])
        frame.columns = frame.columns.str.strip()
        frame = frame.drop(columns=[name for name in meta["droppedColumns"] if name in frame.columns])
        frame["Label"] = frame["Label"].replace(meta["labelMap"])
        frame = frame[frame["Label"].isin(meta["classNames"])]
        frame = frame.replace([np.inf, -np.inf], np.nan).dropna()
        frame = frame.drop_duplicates()
        rows = len(frame)

    seconds = time_runs(args.runs, work)
    tool = "pandas read_csv + label filter + dropna + drop_duplicates"
    return [{"step": "clean", "tool": tool, "seconds": seconds, "details": {"rows kept": rows}}]


def correlation_input(args, meta):
    return read_matrix(f"{args.split}/corr_train.f32", meta["rows"]["train"], len(meta["correlationFeatureNames"]))


def corr_numpy(args, meta):
    x = correlation_input(args, meta)
    seconds = time_runs(args.runs, lambda run: np.corrcoef(x, rowvar=False))
    return [{"step": "corr", "tool": "numpy corrcoef", "seconds": seconds, "details": {"features": x.shape[1]}}]


def corr_pandas(args, meta):
    import pandas as pd

    frame = pd.DataFrame(correlation_input(args, meta), copy=False)
    seconds = time_runs(args.runs, lambda run: frame.corr())
    return [{"step": "corr", "tool": "pandas DataFrame.corr", "seconds": seconds, "details": {"features": frame.shape[1]}}]


def fit_runs(args, make, x_train, y_train):
    """Fit a new model made by make() per run, the previous one freed first; return the seconds and the last model."""
    seconds = []
    model = None
    for _ in range(args.runs):
        model = None
        gc.collect()
        start = time.perf_counter()
        model = make().fit(x_train, y_train)
        seconds.append(time.perf_counter() - start)
    return seconds, model


def gaussian_nb(args, meta):
    from sklearn.naive_bayes import GaussianNB

    x_train, y_train, x_test, y_test = load_split(args, meta)
    seconds, model = fit_runs(args, GaussianNB, x_train, y_train)
    details = {"test accuracy": accuracy(model.predict(x_test), y_test)}
    return [{"step": "gnb", "tool": "scikit-learn GaussianNB", "seconds": seconds, "details": details}]


def decision_tree(args, meta):
    from sklearn.tree import DecisionTreeClassifier

    x_train, y_train, x_test, y_test = load_split(args, meta)
    seconds, model = fit_runs(args, lambda: DecisionTreeClassifier(random_state=args.seed), x_train, y_train)
    details = {
        "nodes": int(model.tree_.node_count),
        "depth": int(model.get_depth()),
        "test accuracy": accuracy(model.predict(x_test), y_test),
    }
    return [{"step": "dt", "tool": "scikit-learn DecisionTreeClassifier", "seconds": seconds, "details": details}]


def random_forest(args, meta):
    from sklearn.ensemble import RandomForestClassifier

    x_train, y_train, x_test, y_test = load_split(args, meta)
    make = lambda: RandomForestClassifier(n_estimators=args.trees, n_jobs=2, random_state=args.seed)  # noqa: E731
    fit_seconds, model = fit_runs(args, make, x_train, y_train)
    predicted = []

    def predict_all(run):
        predicted[:] = [model.predict(x_train), model.predict(x_test)]

    predict_seconds = time_runs(args.runs, predict_all)
    tool = "scikit-learn RandomForestClassifier (n_jobs=2)"
    fit_details = {"trees": args.trees, "test accuracy": accuracy(predicted[1], y_test)}
    return [
        {"step": "rf-fit", "tool": tool, "seconds": fit_seconds, "details": fit_details},
        {
            "step": "rf-predict",
            "tool": "scikit-learn RandomForestClassifier.predict (n_jobs=2)",
            "seconds": predict_seconds,
            "details": {"rows": len(y_train) + len(y_test)},
        },
    ]


def logistic_regression(args, meta):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    x_train, y_train, x_test, y_test = load_split(args, meta)
    make = lambda: make_pipeline(StandardScaler(), LogisticRegression(max_iter=args.lr_max_iter))  # noqa: E731
    with warnings.catch_warnings():
        # Reaching max_iter is reported in the details, not as a warning on stderr.
        warnings.simplefilter("ignore", ConvergenceWarning)
        seconds, model = fit_runs(args, make, x_train, y_train)
    iterations = int(model[-1].n_iter_[0])
    details = {
        "iterations": iterations,
        "stopped before max_iter": iterations < args.lr_max_iter,
        "test accuracy": accuracy(model.predict(x_test), y_test),
    }
    tool = "scikit-learn StandardScaler + LogisticRegression"
    return [{"step": "lr", "tool": tool, "seconds": seconds, "details": details}]


STEPS = {
    "read-pandas": read_pandas,
    "read-pandas-features": read_pandas_features,
    "clean-pandas": clean_pandas,
    "corr-numpy": corr_numpy,
    "corr-pandas": corr_pandas,
    "gnb": gaussian_nb,
    "dt": decision_tree,
    "rf": random_forest,
    "lr": logistic_regression,
}


def versions():
    import pandas
    import scipy
    import sklearn
    from threadpoolctl import threadpool_info

    blas = [
        " ".join(str(part) for part in (info.get("internal_api"), info.get("version")) if part)
        + f" ({info.get('num_threads')} threads)"
        for info in threadpool_info()
    ]
    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "pandas": pandas.__version__,
        "scipy": scipy.__version__,
        "scikit-learn": sklearn.__version__,
        "blas": ", ".join(blas),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=[*STEPS, "versions"])
    parser.add_argument("--split", help="folder with the prepared split and meta.json")
    parser.add_argument("--runs", type=int, default=1, help="timed runs of the step")
    parser.add_argument("--trees", type=int, default=100, help="trees of the random forest")
    parser.add_argument("--seed", type=int, default=0, help="random_state of the tree models")
    parser.add_argument("--lr-max-iter", type=int, default=100, help="max_iter of the logistic regression")
    parser.add_argument("--result", required=True, help="JSON file the result is written to")
    args = parser.parse_args()

    if args.step == "versions":
        result = versions()
    else:
        with open(f"{args.split}/meta.json", encoding="utf-8") as file:
            meta = json.load(file)
        entries = STEPS[args.step](args, meta)
        # ru_maxrss is in KiB on Linux.
        result = {"entries": entries, "peakRssBytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}
    with open(args.result, "w", encoding="utf-8") as file:
        json.dump(result, file)
        file.write("\n")


if __name__ == "__main__":
    sys.exit(main())
