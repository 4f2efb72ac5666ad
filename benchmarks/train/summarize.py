#!/usr/bin/python3
"""Tables of benchmarks/train/run.sh: reads {pytorch,samediff}-<case>-r<round>.json from --dir, prints a
table per case (both sides and the ratio ours/PyTorch) and writes summary.json and results.md there.
A side that failed has only {"status": ...} ("OOM", "killed", "failed (rc N)"); its row says so."""
import argparse
import json
from pathlib import Path

# file prefix and label of each side; the Java side's variants as run.sh --variants names them
VARIANTS = {"plain": ("samediff", "ours"), "recompute": ("samediff-recompute", "ours, recompute"),
            "prompts": ("samediff-prompts", "ours, prompts"),
            "prompts-recompute": ("samediff-prompts-recompute", "ours, prompts+rec")}
# (heading, JSON key or function, format); ratios are ours / PyTorch for every numeric column
COLUMNS = (
    ("s/step", "seconds_per_step", "{:.2f}"),
    ("frames/s", "frames_per_s", "{:.2f}"),
    ("peak RSS GB", lambda d: gb(d.get("peak_rss_mb")), "{:.2f}"),
    ("RSS step 5 GB", lambda d: gb(rss_after(d, 5)), "{:.2f}"),
    ("RSS end GB", lambda d: gb(rss_after(d, None)), "{:.2f}"),
    ("user s", "user_cpu_s", "{:.1f}"),
    ("sys s", "sys_cpu_s", "{:.1f}"),
    ("threads", "threads", "{:d}"),
)


def gb(mb):
    return None if mb is None else mb / 1024.0


def rss_after(d, step):
    """VmRSS after step `step` (1-based, warm-up steps counted), or after the last step."""
    rss = d.get("rss_mb_after_step") or []
    if step is None:
        return rss[-1] if rss else None
    return rss[step - 1] if len(rss) >= step else None


def value(d, key):
    return key(d) if callable(key) else d.get(key)


def cell(v, fmt):
    return "–" if v is None else fmt.format(v)


def load(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {"status": "missing"}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dir", required=True)
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--threads", type=int)
    ap.add_argument("--arch", default="vit-b16")
    ap.add_argument("--variants", default="plain")
    ap.add_argument("cases", nargs="+")
    args = ap.parse_args()
    sides = [("pytorch", "PyTorch")] + [VARIANTS[v] for v in args.variants.split(",")]
    out = Path(args.dir)

    rows, md = [], []
    heads = [h for h, _, _ in COLUMNS]
    md.append("| case | round | side | " + " | ".join(heads) + " |")
    md.append("|---|---|---|" + "---:|" * len(heads))
    meta = {}
    for case in args.cases:
        for r in range(1, args.rounds + 1):
            data = {side: load(out / f"{side}-{case}-r{r}.json") for side, _ in sides}
            p, j = data["pytorch"], data[sides[1][0]]
            for k, v in (("torch", p.get("torch_version")), ("nd4j", j.get("nd4j_native_flavour")),
                         ("torch_threads", p.get("torch_threads")), ("omp_threads", j.get("omp_threads"))):
                if v is not None:
                    meta.setdefault(k, v)   # from the first side that ran
            steps = next((d["steps"] for d in (p, j) if "steps" in d), "?")
            warmup = next((d["warmup"] for d in (p, j) if "warmup" in d), "?")
            print(f"\n[{case} round {r}] {args.arch}, {args.threads} thread(s), median of {steps} steps after "
                  f"{warmup} warm-up; PyTorch text over 77 positions, ours over {j.get('text_positions', '?')}")
            print(f"{'side':16} " + " ".join(f"{h:>13}" for h in heads))
            for side, label in sides:
                d = data[side]
                if d.get("status") != "ok":
                    line = f"{label:16} {d.get('status', 'missing'):>13}"
                    mdline = f"| {case} | {r} | {label} | {d.get('status', 'missing')} |" + " |" * (len(heads) - 1)
                else:
                    cells = [cell(value(d, key), fmt) for _, key, fmt in COLUMNS]
                    line = f"{label:16} " + " ".join(f"{c:>13}" for c in cells)
                    mdline = f"| {case} | {r} | {label} | " + " | ".join(cells) + " |"
                print(line)
                md.append(mdline)
            ratios = {}
            for side, label in sides[1:]:
                j = data[side]
                if p.get("status") != "ok" or j.get("status") != "ok":
                    continue
                cells = []
                for head, key, _ in COLUMNS:
                    a, b = value(j, key), value(p, key)
                    ratio = a / b if a is not None and b else None
                    ratios.setdefault(side, {})[head] = ratio
                    cells.append(cell(ratio, "{:.2f}"))
                print(f"{'ratio ' + side[9:] if side != 'samediff' else 'ratio':16} "
                      + " ".join(f"{c:>13}" for c in cells))
                md.append(f"| {case} | {r} | **{label}/PyTorch** | " + " | ".join(f"**{c}**" for c in cells) + " |")
            rows.append(dict(case=case, round=r, **data, ratios_over_pytorch=ratios))
    print("\ns/step = median wall time of the timed steps (each step in the JSON); ratio = ours / PyTorch "
          "(goal <= 1.0 for s/step and memory; frames/s: >= 1.0)")

    (out / "summary.json").write_text(json.dumps(dict(arch=args.arch, threads=args.threads, **meta, rows=rows),
                                                 indent=2) + "\n")
    (out / "results.md").write_text(
        f"ViFi-CLIP training step, {args.arch}, fp32, {args.threads} thread(s); PyTorch {meta.get('torch', '?')}, "
        f"nd4j-native {meta.get('nd4j', '?')}\n\n" + "\n".join(md) + "\n")
    print(f"written: {out / 'summary.json'}, {out / 'results.md'}")


if __name__ == "__main__":
    main()
