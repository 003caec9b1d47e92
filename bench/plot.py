"""Plots for docs/benchmarks.md from the JSON results of bench/load_driver.py.

    .venv/bin/python bench/plot.py --scale 1k=var/bench/results/scale-1k.json \
        --scale 100k=var/bench/results/scale-100k.json --compare var/bench/results/compare.json

Writes docs/img/bench-scale.png (p95 per endpoint at each data size) and
docs/img/bench-peer.png (requests/s of Kiosque and LemonLDAP::NG per endpoint, c=2 and c=8).
"""

import argparse
import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

IMG = Path(__file__).resolve().parents[1] / "docs" / "img"


def plot_scale(scales: list[tuple[str, dict]], concurrency: int) -> Path:
    keys = [k for k in scales[0][1]["summary"] if k.endswith(f"@c{concurrency}")]
    names = [k.split("@")[0] for k in keys]
    width = 0.8 / len(scales)
    fig, ax = plt.subplots(figsize=(11, 4.5))
    for i, (label, data) in enumerate(scales):
        values = [data["summary"].get(k, {}).get("p95_ms", 0) for k in keys]
        ax.bar([x + i * width for x in range(len(keys))], values, width, label=label)
    ax.set_xticks([x + width * (len(scales) - 1) / 2 for x in range(len(keys))])
    ax.set_xticklabels(names, rotation=30, ha="right")
    ax.set_ylabel("p95 latency of one operation (ms)")
    ax.set_yscale("log")
    ax.set_title(f"Kiosque, p95 per endpoint by data size ({concurrency} virtual users)")
    ax.legend(title="accounts")
    fig.tight_layout()
    path = IMG / "bench-scale.png"
    fig.savefig(path, dpi=110)
    return path


def plot_peer(data: dict) -> Path:
    summary = data["compare_summary"]
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5), sharey=True)
    for ax, concurrency in zip(axes, (2, 8), strict=True):
        keys = [k for k in summary if k.endswith(f"@c{concurrency}")]
        names = [k.split("@")[0] for k in keys]
        for i, target in enumerate(("kiosque", "llng")):
            values = [summary[k].get(target, {}).get("rps", 0) for k in keys]
            ax.bar([x + i * 0.4 for x in range(len(keys))], values, 0.4,
                   label="Kiosque" if target == "kiosque" else "LemonLDAP::NG")  # fmt: skip
        ax.set_xticks([x + 0.2 for x in range(len(keys))])
        ax.set_xticklabels(names, rotation=30, ha="right")
        ax.set_title(f"{concurrency} connections (wrk, 1 thread)")
        ax.set_yscale("log")
    axes[0].set_ylabel("successful requests/s (median of runs)")
    axes[0].legend()
    fig.tight_layout()
    path = IMG / "bench-peer.png"
    fig.savefig(path, dpi=110)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", action="append", default=[], help="LABEL=results.json")
    parser.add_argument("--compare", help="results.json of bench/peer_compare.sh")
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    IMG.mkdir(parents=True, exist_ok=True)
    if args.scale:
        scales = []
        for item in args.scale:
            label, path = item.split("=", 1)
            scales.append((label, json.loads(Path(path).read_text())))
        print(plot_scale(scales, args.concurrency))
    if args.compare:
        print(plot_peer(json.loads(Path(args.compare).read_text())))


if __name__ == "__main__":
    main()
