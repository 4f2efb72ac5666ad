#!/usr/bin/python3
"""PyTorch reference timings for the CLIP encoders, to compare the SameDiff build against.

Kept outside the Maven build: it is run by benchmarks/clip/run.sh with Debian's python3-torch
(/usr/bin/python3, OpenBLAS-OpenMP as libblas.so.3), never at run time of vificlip.

The modules below follow OpenAI CLIP's clip/model.py (MIT licence, Copyright (c) 2021 OpenAI):
the same layers, parameter names and shapes, the same operations in the same order (fp32
LayerNorm, QuickGELU, nn.MultiheadAttention with packed in_proj, pre-LN residual blocks, LND
layout inside the transformer, causal additive mask for text, ln_post on the class token, proj;
features at the end token for text). Weights are random with the real shapes: the timings do not
depend on their values, and no download is needed.

Measured (fp32, eval, no_grad): ViT-B/16 and ViT-B/32 image encoder on 8 frames at 224x224, and
the text encoder (width 512, 12 layers, 8 heads, context 77) on 400 prompts. Each case is run
`--warmup` times untimed, then `--runs` times; the median wall time is reported, with the
minimum and the calling thread's CPU time (the robust number when run with --threads 1).

FLOP count (the same formula is used by org.vificlip.bench.ClipBench, so GFLOP/s compare):
only matrix products are counted, one multiply-add = 2 FLOPs; LayerNorm, softmax, QuickGELU,
residual adds and embedding look-ups are left out (they are < 1% of the total here).
  per transformer block, N tokens, width D, per sequence:
    q,k,v projection   2*N*D*3D
    scores q k^T       2*N*N*D      (all heads together; the causal mask does not skip work in
    weights x v        2*N*N*D       PyTorch, so the full N*N is counted for text as well)
    out projection     2*N*D*D
    MLP c_fc, c_proj   2*N*D*4D + 2*N*4D*D
    = 24*N*D^2 + 4*N^2*D
  image: patch embedding 2*G^2*(3*P^2)*D, L blocks with N = G^2+1, proj 2*D*E (class token only)
  text:  L blocks with N = 77, text_projection 2*D*E (end token only)
"""
import argparse
import json
import os
import platform
import statistics
import sys
import time
from collections import OrderedDict

import torch
from torch import nn


# ----------------------------------------------------------------------------- model (after CLIP)

class LayerNorm(nn.LayerNorm):
    """LayerNorm computed in fp32 whatever the input dtype (CLIP's fp16 handling; a no-op in fp32)."""

    def forward(self, x: torch.Tensor):
        original = x.dtype
        return super().forward(x.float()).to(original)


class QuickGELU(nn.Module):
    """CLIP's GELU approximation: x * sigmoid(1.702 x)."""

    def forward(self, x: torch.Tensor):
        return x * torch.sigmoid(1.702 * x)


class ResidualAttentionBlock(nn.Module):
    """Pre-LN transformer block: x + attn(ln_1(x)), then x + mlp(ln_2(x)); input is [L, N, D]."""

    def __init__(self, width: int, heads: int, attn_mask: torch.Tensor = None):
        super().__init__()
        self.attn = nn.MultiheadAttention(width, heads)
        self.ln_1 = LayerNorm(width)
        self.mlp = nn.Sequential(OrderedDict([
            ("c_fc", nn.Linear(width, width * 4)),
            ("gelu", QuickGELU()),
            ("c_proj", nn.Linear(width * 4, width)),
        ]))
        self.ln_2 = LayerNorm(width)
        self.attn_mask = attn_mask

    def attention(self, x: torch.Tensor):
        mask = None if self.attn_mask is None else self.attn_mask.to(dtype=x.dtype, device=x.device)
        return self.attn(x, x, x, need_weights=False, attn_mask=mask)[0]

    def forward(self, x: torch.Tensor):
        x = x + self.attention(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class Transformer(nn.Module):
    def __init__(self, width: int, layers: int, heads: int, attn_mask: torch.Tensor = None):
        super().__init__()
        self.width = width
        self.layers = layers
        self.resblocks = nn.Sequential(*[ResidualAttentionBlock(width, heads, attn_mask) for _ in range(layers)])

    def forward(self, x: torch.Tensor):
        return self.resblocks(x)


class VisionTransformer(nn.Module):
    """CLIP's image tower: patch conv, class token, positional embedding, ln_pre, blocks, ln_post, proj."""

    def __init__(self, resolution: int, patch: int, width: int, layers: int, heads: int, output_dim: int):
        super().__init__()
        self.conv1 = nn.Conv2d(3, width, kernel_size=patch, stride=patch, bias=False)
        scale = width ** -0.5
        grid = resolution // patch
        self.class_embedding = nn.Parameter(scale * torch.randn(width))
        self.positional_embedding = nn.Parameter(scale * torch.randn(grid * grid + 1, width))
        self.ln_pre = LayerNorm(width)
        self.transformer = Transformer(width, layers, heads)
        self.ln_post = LayerNorm(width)
        self.proj = nn.Parameter(scale * torch.randn(width, output_dim))

    def forward(self, x: torch.Tensor):
        x = self.conv1(x)                              # [B, width, grid, grid]
        x = x.reshape(x.shape[0], x.shape[1], -1)      # [B, width, grid^2]
        x = x.permute(0, 2, 1)                         # [B, grid^2, width]
        cls = self.class_embedding.to(x.dtype) + torch.zeros(x.shape[0], 1, x.shape[-1], dtype=x.dtype)
        x = torch.cat([cls, x], dim=1)                 # [B, grid^2 + 1, width]
        x = x + self.positional_embedding.to(x.dtype)
        x = self.ln_pre(x)
        x = x.permute(1, 0, 2)                         # NLD -> LND
        x = self.transformer(x)
        x = x.permute(1, 0, 2)                         # LND -> NLD
        x = self.ln_post(x[:, 0, :])
        return x @ self.proj


class TextEncoder(nn.Module):
    """CLIP's text tower (CLIP.encode_text): the same parameter names as in the CLIP module."""

    def __init__(self, embed_dim: int, context_length: int, vocab_size: int, width: int, heads: int, layers: int):
        super().__init__()
        self.context_length = context_length
        self.transformer = Transformer(width, layers, heads, attn_mask=self.build_attention_mask())
        self.token_embedding = nn.Embedding(vocab_size, width)
        self.positional_embedding = nn.Parameter(torch.empty(context_length, width))
        self.ln_final = LayerNorm(width)
        self.text_projection = nn.Parameter(torch.empty(width, embed_dim))
        nn.init.normal_(self.token_embedding.weight, std=0.02)
        nn.init.normal_(self.positional_embedding, std=0.01)
        nn.init.normal_(self.text_projection, std=width ** -0.5)

    def build_attention_mask(self):
        # additive causal mask: -inf above the diagonal, 0 on and below it
        mask = torch.full((self.context_length, self.context_length), float("-inf"))
        return mask.triu_(1)

    def forward(self, text: torch.Tensor):
        return self.encode_embedded(self.token_embedding(text), text)  # [batch, n_ctx, width] looked up

    def encode_embedded(self, embedded: torch.Tensor, text: torch.Tensor):
        """The tower after the token look-up (ViFi-CLIP's TextEncoder.forward, which is given the
        prompts' embeddings, computed once); `text` only locates each prompt's end token."""
        x = embedded + self.positional_embedding
        x = x.permute(1, 0, 2)                         # NLD -> LND
        x = self.transformer(x)
        x = x.permute(1, 0, 2)                         # LND -> NLD
        x = self.ln_final(x)
        # features at the end-of-text token, which has the highest id in each sequence
        return x[torch.arange(x.shape[0]), text.argmax(dim=-1)] @ self.text_projection


# ----------------------------------------------------------------------------- FLOPs

def block_flops(tokens: int, width: int) -> int:
    return 24 * tokens * width * width + 4 * tokens * tokens * width


def image_flops(images: int, resolution: int, patch: int, width: int, layers: int, embed_dim: int) -> int:
    grid = resolution // patch
    tokens = grid * grid + 1
    per_image = (2 * grid * grid * 3 * patch * patch * width
                 + layers * block_flops(tokens, width)
                 + 2 * width * embed_dim)
    return images * per_image


def text_flops(prompts: int, context: int, width: int, layers: int, embed_dim: int) -> int:
    return prompts * (layers * block_flops(context, width) + 2 * width * embed_dim)


# ----------------------------------------------------------------------------- timing

def measure(fn, warmup: int, runs: int) -> dict:
    """Warm-up runs untimed, then `runs` timed ones: median and min wall time, and the median CPU
    time of the calling thread (with one thread all of torch's work runs there, so that number is
    the cost of the work itself, nearly unaffected by other processes on a shared machine)."""
    with torch.no_grad():
        for _ in range(warmup):
            fn()
        wall, cpu = [], []
        for _ in range(runs):
            cpu_start = time.thread_time()
            start = time.perf_counter()
            fn()
            wall.append((time.perf_counter() - start) * 1000.0)
            cpu.append((time.thread_time() - cpu_start) * 1000.0)
    return dict(ms=statistics.median(wall), min_ms=min(wall), runs_ms=wall,
                thread_cpu_ms=statistics.median(cpu), runs_thread_cpu_ms=cpu)


def result(case: str, what: str, flops: int, timing: dict) -> dict:
    return dict(case=case, what=what, **timing, flops=flops,
                gflops_per_s=flops / timing["ms"] / 1e6)


def random_prompts(count: int, context: int, vocab: int, seed: int = 0) -> torch.Tensor:
    """Token ids shaped like tokenised class prompts: start token, 5..15 word ids, end token, zeros."""
    g = torch.Generator().manual_seed(seed)
    sot, eot = vocab - 2, vocab - 1
    ids = torch.zeros(count, context, dtype=torch.long)
    for i in range(count):
        n = int(torch.randint(5, 16, (1,), generator=g))
        ids[i, 0] = sot
        ids[i, 1:n + 1] = torch.randint(1, vocab - 2, (n,), generator=g)
        ids[i, n + 1] = eot
    return ids


def loaded_blas() -> list:
    """Shared libraries of the BLAS family actually mapped into this process."""
    names = set()
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                path = line.split()[-1] if len(line.split()) >= 6 else ""
                if any(k in path for k in ("blas", "lapack", "dnnl", "mkl")):
                    names.add(os.path.realpath(path))
    except OSError:
        pass
    return sorted(names)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--frames", type=int, default=8)
    ap.add_argument("--prompts", type=int, default=400)
    ap.add_argument("--cases", default="vit-b16,vit-b32,text",
                    help="comma-separated subset of vit-b16,vit-b32,text")
    ap.add_argument("--out", help="write the JSON here as well as to stdout")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    cases = args.cases.split(",")
    results = []

    # ViT-B/16 and ViT-B/32: width 768, 12 layers, 12 heads, output 512, resolution 224
    for name, patch in (("vit-b16", 16), ("vit-b32", 32)):
        if name not in cases:
            continue
        model = VisionTransformer(224, patch, 768, 12, 12, 512).eval()
        frames = torch.randn(args.frames, 3, 224, 224)
        timing = measure(lambda: model(frames), args.warmup, args.runs)
        flops = image_flops(args.frames, 224, patch, 768, 12, 512)
        results.append(result(name, f"image encoder, {args.frames} frames 224x224", flops, timing))
        del model

    if "text" in cases:
        model = TextEncoder(512, 77, 49408, 512, 8, 12).eval()
        ids = random_prompts(args.prompts, 77, 49408)
        timing = measure(lambda: model(ids), args.warmup, args.runs)
        flops = text_flops(args.prompts, 77, 512, 12, 512)
        results.append(result("text", f"text encoder, {args.prompts} prompts, context 77", flops, timing))

    report = dict(
        engine="pytorch",
        torch_version=torch.__version__,
        python=sys.version.split()[0],
        threads=torch.get_num_threads(),
        cpu_count=os.cpu_count(),
        machine=platform.machine(),
        blas_libraries=loaded_blas(),
        libblas_so_3=os.path.realpath("/usr/lib/x86_64-linux-gnu/libblas.so.3"),
        warmup=args.warmup, runs=args.runs,
        loadavg_at_end=open("/proc/loadavg").read().split()[:3],
        results=results,
    )
    text = json.dumps(report, indent=2)
    print(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    main()
