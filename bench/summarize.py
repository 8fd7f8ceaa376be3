#!/usr/bin/env python3
"""Prints a markdown table of polystore-bench JSON results: medians per target and api/raw ratios."""
import json
import sys


def main(paths):
    print("| store | workload | threads | api ops/s | raw ops/s | api/raw | api p50 / p99 µs (read) | raw p50 / p99 µs (read) | load api/raw |")
    print("|---|---|---|---|---|---|---|---|---|")
    for path in paths:
        with open(path) as f:
            run = json.load(f)
        w = run["workload"]
        by = {s["target"]: s for s in run["summaries"]}
        api, raw = by.get("api"), by.get("raw")

        def lat(s):
            if not s:
                return "-"
            op = "read" if "read" in s["latency"] else next(iter(s["latency"]))
            l = s["latency"][op]
            return f"{l['p50']:.0f} / {l['p99']:.0f}" + ("" if op == "read" else f" ({op})")

        ratios = run.get("ratios", {})
        print("| {} | {} | {} | {} | {} | {} | {} | {} | {} |".format(
            (raw["describe"] if raw else run["store"]).split("?")[0], w["name"], w["threads"],
            f"{api['medianOpsPerSecond']:.0f}" if api else "-",
            f"{raw['medianOpsPerSecond']:.0f}" if raw else "-",
            f"{ratios['throughput']:.2f}" if "throughput" in ratios else "-",
            lat(api), lat(raw),
            f"{ratios['load']:.2f}" if "load" in ratios else "-"))


if __name__ == "__main__":
    main(sys.argv[1:])
