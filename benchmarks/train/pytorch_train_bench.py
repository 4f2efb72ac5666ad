#!/usr/bin/python3
"""PyTorch reference timings for one ViFi-CLIP training step, to compare org.vificlip.bench.TrainBench against.

Kept outside the Maven build: run by benchmarks/train/run.sh with Debian's python3-torch
(/usr/bin/python3). The CLIP towers are benchmarks/clip/pytorch_clip_bench.py's (after OpenAI's
clip/model.py), imported, not copied; random weights of the real shapes (timings do not depend on the
values). The step is ViFi-CLIP's (trainers/vificlip.py, main.py, utils/optimizer.py) with full
fine-tuning, fp32, model.train():

  frames [B,T,3,224,224] -> image encoder over B*T frames -> mean over T -> video features [B,E]
  all C class prompts (token embeddings computed once, as ViFi-CLIP's complete_text_embeddings buffer;
  the full 77 positions) -> text encoder -> text features [C,E]
  logits = exp(logit_scale) * cos -> cross-entropy -> backward -> AdamW step
  (lr 1e-5, betas 0.9/0.98, eps 1e-8, weight decay 0.001 on every parameter, as build_optimizer).

Prompt token ids come from `--tokens` (the JSON `TrainBench --tokens-out` writes, so both sides see the
same ids); without it, random prompt-shaped ids. One case per process: a side that runs out of memory
takes no other case with it. `--warmup` untimed steps, then `--steps` timed ones; reported: median
seconds per step and each step's time, frames/s, VmHWM, VmRSS after every step, user/system CPU
seconds of the process over the timed steps, threads.
"""
import argparse
import json
import math
import os
import platform
import resource
import statistics
import sys
import time
from pathlib import Path

import torch
from torch import nn
from torch.nn import functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "clip"))
from pytorch_clip_bench import (TextEncoder, VisionTransformer, image_flops, loaded_blas,  # noqa: E402
                                random_prompts, text_flops)

RESOLUTION, CONTEXT, VOCAB = 224, 77, 49408
EXIT_OOM = 3   # as TrainBench: the JSON is written, with status "OOM"

# The same architectures as TrainBench.arch: heads = width / 64 as in CLIP. "tiny" is for testing the
# scripts end to end on a small machine, not for timing.
ARCHS = {
    "vit-b16": dict(patch=16, vision_width=768, vision_layers=12, embed_dim=512, text_width=512, text_layers=12),
    "vit-b32": dict(patch=32, vision_width=768, vision_layers=12, embed_dim=512, text_width=512, text_layers=12),
    "tiny": dict(patch=32, vision_width=64, vision_layers=2, embed_dim=64, text_width=64, text_layers=2),
}


class VifiClipTrainModel(nn.Module):
    """ViFi-CLIP's ViFiCLIP module without prompt learning: image tower, text tower fed the prompts'
    fixed token embeddings, logit_scale. The token embedding table is used once and dropped, as
    ViFi-CLIP keeps only the looked-up embeddings (a buffer, not trained)."""

    def __init__(self, arch: dict, tokens: torch.Tensor):
        super().__init__()
        self.image_encoder = VisionTransformer(RESOLUTION, arch["patch"], arch["vision_width"],
                                               arch["vision_layers"], arch["vision_width"] // 64, arch["embed_dim"])
        text = TextEncoder(arch["embed_dim"], CONTEXT, VOCAB, arch["text_width"], arch["text_width"] // 64,
                           arch["text_layers"])
        with torch.no_grad():
            self.register_buffer("complete_text_embeddings", text.token_embedding(tokens))
        del text.token_embedding
        self.text_encoder = text
        self.tokenized_prompts = tokens
        self.logit_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))

    def forward(self, image: torch.Tensor):
        b, t, c, h, w = image.size()
        image_features = self.image_encoder(image.reshape(-1, c, h, w)).view(b, t, -1).mean(dim=1)
        text_features = self.text_encoder.encode_embedded(self.complete_text_embeddings, self.tokenized_prompts)
        image_features = image_features / image_features.norm(dim=-1, keepdim=True)
        text_features = text_features / text_features.norm(dim=-1, keepdim=True)
        return self.logit_scale.exp() * image_features @ text_features.t()


def proc_status() -> dict:
    """VmHWM, VmRSS (MB) and Threads from /proc/self/status, the fields TrainBench reads too."""
    fields = {}
    with open("/proc/self/status") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                fields[key] = int(value.split()[0]) / 1024.0
            elif key == "Threads":
                fields[key] = int(value)
    return fields


def cpu_seconds() -> tuple:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime, usage.ru_stime


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--batch", type=int, default=1, help="videos per step (B)")
    ap.add_argument("--frames", type=int, default=8, help="frames per video (T)")
    ap.add_argument("--classes", type=int, default=10, help="class prompts (C)")
    ap.add_argument("--steps", type=int, default=10, help="timed steps")
    ap.add_argument("--warmup", type=int, default=2, help="untimed steps first")
    ap.add_argument("--arch", default="vit-b16", choices=sorted(ARCHS), help="tiny: for testing the scripts")
    ap.add_argument("--tokens", help="JSON with 'tokens' [C][77] (TrainBench --tokens-out)")
    ap.add_argument("--lr", type=float, default=1e-5)
    ap.add_argument("--weight-decay", type=float, default=0.001)
    ap.add_argument("--out", help="write the JSON here as well as to stdout")
    args = ap.parse_args()
    if args.steps < 1 or args.warmup < 0:
        ap.error("--steps must be at least 1 and --warmup at least 0")

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    arch = ARCHS[args.arch]
    if args.tokens:
        tokens = torch.tensor(json.load(open(args.tokens))["tokens"], dtype=torch.long)
        if tokens.shape != (args.classes, CONTEXT):
            sys.exit(f"{args.tokens}: tokens are {list(tokens.shape)}, expected [{args.classes}, {CONTEXT}]")
    else:
        tokens = random_prompts(args.classes, CONTEXT, VOCAB)

    model = VifiClipTrainModel(arch, tokens)
    model.train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.weight_decay,
                                  betas=(0.9, 0.98), eps=1e-8)
    frames = torch.randn(args.batch, args.frames, 3, RESOLUTION, RESOLUTION)
    labels = torch.arange(args.batch) % args.classes   # the same labels as TrainBench

    optimizer_s = []

    def step() -> float:
        optimizer.zero_grad()
        loss = F.cross_entropy(model(frames), labels)
        loss.backward()
        optimizer_start = time.perf_counter()
        optimizer.step()
        optimizer_s.append(time.perf_counter() - optimizer_start)
        return loss.item()

    warmup_s, step_s, losses, rss_after = [], [], [], []
    cpu_start, outcome, error = None, "ok", None
    try:
        for i in range(args.warmup + args.steps):
            if i == args.warmup:
                cpu_start = cpu_seconds()
            start = time.perf_counter()
            losses.append(step())
            (warmup_s if i < args.warmup else step_s).append(time.perf_counter() - start)
            rss_after.append(proc_status()["VmRSS"])
            print(f"step {i + 1}/{args.warmup + args.steps}{' (warm-up)' if i < args.warmup else ''}: "
                  f"{(warmup_s + step_s)[-1]:.2f} s (AdamW {optimizer_s[-1]:.2f} s), loss {losses[-1]:.4f}, RSS {rss_after[-1]:.0f} MB",
                  file=sys.stderr, flush=True)
    except (MemoryError, RuntimeError) as e:
        # torch's CPU allocator raises RuntimeError "... DefaultCPUAllocator: can't allocate memory ..."
        if not isinstance(e, MemoryError) and "allocat" not in str(e):
            raise
        outcome, error = "OOM", str(e)[:500]
    cpu_end = cpu_seconds()
    status = proc_status()

    per_step = statistics.median(step_s) if step_s else None
    n_frames = args.batch * args.frames
    forward_flops = (image_flops(n_frames, RESOLUTION, arch["patch"], arch["vision_width"], arch["vision_layers"],
                                 arch["embed_dim"])
                     + text_flops(args.classes, CONTEXT, arch["text_width"], arch["text_layers"], arch["embed_dim"]))
    report = dict(
        engine="pytorch",
        status=outcome,
        error=error,
        torch_version=torch.__version__,
        python=sys.version.split()[0],
        torch_threads=torch.get_num_threads(),
        OMP_NUM_THREADS=os.environ.get("OMP_NUM_THREADS"),
        cpu_count=os.cpu_count(),
        machine=platform.machine(),
        blas_libraries=loaded_blas(),
        libblas_so_3=os.path.realpath("/usr/lib/x86_64-linux-gnu/libblas.so.3"),
        arch=args.arch, batch=args.batch, frames=args.frames, classes=args.classes,
        text_positions=CONTEXT,
        warmup=args.warmup, steps=args.steps, lr=args.lr, weight_decay=args.weight_decay,
        trainable_parameters=sum(p.numel() for p in model.parameters() if p.requires_grad),
        seconds_per_step=per_step,
        step_seconds=step_s,
        warmup_seconds=warmup_s,
        optimizer_seconds=optimizer_s,
        frames_per_s=n_frames / per_step if per_step else None,
        forward_gflop=forward_flops / 1e9,
        peak_rss_mb=status["VmHWM"],
        rss_mb_after_step=rss_after,
        user_cpu_s=cpu_end[0] - cpu_start[0] if cpu_start else None,
        sys_cpu_s=cpu_end[1] - cpu_start[1] if cpu_start else None,
        threads=status["Threads"],
        losses=losses,
        loadavg_at_end=open("/proc/loadavg").read().split()[:3],
    )
    text = json.dumps(report, indent=2)
    print(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text + "\n")
    if outcome != "ok":
        sys.exit(EXIT_OOM)


if __name__ == "__main__":
    main()
