"""Two small model files in the format neuralab wrote before format version 2.

Run once at main c25c4f4 (format_version 1: optimizer state stored by buffer index,
"optimizer.0.m"); kept with the predictions that code made, to check old files still load.
"""

import csv
import json
import sys

import numpy as np

import neuralab as nl
from neuralab.data import read_csv


def main(out: str) -> None:
    rng = np.random.default_rng(7)
    n = 60
    x1 = rng.normal(size=n).round(3)
    x2 = rng.uniform(0, 10, size=n).round(2)
    colour = rng.choice(["red", "green", "blue"], size=n)
    label = np.where(x1 + 0.1 * x2 > 0.8, "yes", np.where(colour == "red", "maybe", "no"))
    y = (3 * x1 - 0.5 * x2 + 20).round(3)
    with open(f"{out}/old_format.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["x1", "x2", "colour", "label", "y"])
        for row in zip(x1, x2, colour, label, y, strict=True):
            w.writerow(row)
    table = read_csv(f"{out}/old_format.csv")
    clf = nl.Model.for_data(table, "label", hidden=(5,), dropout=0.1, ignore=["y"])
    clf.fit(table, epochs=4, seed=0, optimizer="adam", batch_size=16)
    nl.save(clf, f"{out}/old_format_v1_classifier.nlab")
    reg = nl.Model.for_data(table, "y", hidden=(3,), ignore=["label"], dtype="float64")
    reg.fit(table, epochs=3, seed=1, optimizer="momentum", learning_rate=0.01, batch_size=20)
    nl.save(reg, f"{out}/old_format_v1_regressor.nlab")
    expected = {
        "made_with": "neuralab main c25c4f4, format_version 1",
        "classifier": {
            "predict_proba": clf.predict_proba(table).tolist(),
            "predict": clf.predict(table).tolist(),
            "iterations": clf.optimizer.iterations,
        },
        "regressor": {"predict": reg.predict(table).tolist(), "iterations": reg.optimizer.iterations},
    }
    with open(f"{out}/old_format_v1_expected.json", "w") as f:
        json.dump(expected, f, indent=1)


if __name__ == "__main__":
    main(sys.argv[1])
