"""Writes ViFiCLIP.named_parameters() of the CLIP fixture, as PyTorch orders them, one name a line.

ViFi-CLIP's module tree (trainers/vificlip.py, clip/model.py) is rebuilt around the fixture's own CLIP
modules (the TorchScript archive OpenAI's code made), with each attribute assigned in the order ViFi-CLIP's
__init__ assigns it; nn.Module.named_parameters then gives the order AdamW and optimizer.state_dict() use.
For prompting (--prompting), CLIP's modules are rebuilt in plain torch.nn in the same registration order,
with ViFi-CLIP's prompt parameters (ctx, VPT, VPT_shallow of blocks 1..depth-1).

usage: python3 tools/vificlip_parameter_order.py src/test/fixtures/clip-tiny-a/tiny-a.pt [--prompting DEPTH]
"""
import sys
from collections import OrderedDict

import torch
from torch import nn


def parameter(t):
    """A TorchScript module hands out its parameters as plain tensors; OpenAI's Python CLIP holds Parameters."""
    return t if isinstance(t, nn.Parameter) else nn.Parameter(t)


class TextEncoder(nn.Module):  # attribute order of ViFi-CLIP's TextEncoder
    def __init__(self, clip):
        super().__init__()
        self.transformer = clip.transformer
        self.positional_embedding = parameter(clip.positional_embedding)
        self.ln_final = clip.ln_final
        self.text_projection = parameter(clip.text_projection)


class PromptLearner(nn.Module):  # VLPromptLearner: only ctx is a parameter (the rest are buffers)
    def __init__(self, n_ctx=0, width=0):
        super().__init__()
        if n_ctx:
            self.ctx = nn.Parameter(torch.zeros(n_ctx, width))


class ViFiCLIP(nn.Module):  # attribute order of ViFi-CLIP's ViFiCLIP
    def __init__(self, clip, prompt_learner):
        super().__init__()
        self.prompt_learner = prompt_learner
        self.image_encoder = clip.visual
        self.text_encoder = TextEncoder(clip)
        self.logit_scale = parameter(clip.logit_scale)


# ---- plain-torch CLIP modules in ViFi-CLIP's registration order, for the prompting variant ----

class Block(nn.Module):
    def __init__(self, width, prompt_tokens):
        super().__init__()
        self.attn = nn.MultiheadAttention(width, max(1, width // 64))
        self.ln_1 = nn.LayerNorm(width)
        self.mlp = nn.Sequential(OrderedDict([("c_fc", nn.Linear(width, 4 * width)), ("gelu", nn.GELU()),
                                              ("c_proj", nn.Linear(4 * width, width))]))
        self.ln_2 = nn.LayerNorm(width)
        if prompt_tokens:
            self.VPT_shallow = nn.Parameter(torch.zeros(prompt_tokens, width))


class Transformer(nn.Module):
    def __init__(self, width, layers, depth, tokens):
        super().__init__()
        self.resblocks = nn.Sequential(*[Block(width, tokens if 0 < i < depth else 0) for i in range(layers)])


class Vision(nn.Module):
    def __init__(self, sd, depth, tokens):
        super().__init__()
        width = sd["visual.conv1.weight"].shape[0]
        layers = len({k.split(".")[3] for k in sd if k.startswith("visual.transformer.resblocks.")})
        self.conv1 = nn.Conv2d(3, width, sd["visual.conv1.weight"].shape[-1], bias=False)
        if depth:
            self.VPT = nn.Parameter(torch.zeros(tokens, width))
        self.class_embedding = nn.Parameter(sd["visual.class_embedding"])
        self.positional_embedding = nn.Parameter(sd["visual.positional_embedding"])
        self.ln_pre = nn.LayerNorm(width)
        self.transformer = Transformer(width, layers, depth, tokens)
        self.ln_post = nn.LayerNorm(width)
        self.proj = nn.Parameter(sd["visual.proj"])


class Clip(nn.Module):
    def __init__(self, sd, depth, tokens):
        super().__init__()
        width = sd["ln_final.weight"].shape[0]
        layers = len({k.split(".")[2] for k in sd if k.startswith("transformer.resblocks.")})
        self.visual = Vision(sd, depth, tokens)
        self.transformer = Transformer(width, layers, depth, tokens)
        self.token_embedding = nn.Embedding(*sd["token_embedding.weight"].shape)
        self.positional_embedding = nn.Parameter(sd["positional_embedding"])
        self.ln_final = nn.LayerNorm(width)
        self.text_projection = nn.Parameter(sd["text_projection"])
        self.logit_scale = nn.Parameter(sd["logit_scale"])


def main():
    path = sys.argv[1]
    scripted = torch.jit.load(path, map_location="cpu")
    if "--prompting" in sys.argv:
        depth = int(sys.argv[sys.argv.index("--prompting") + 1])
        tokens = 4
        sd = {k: v.float() for k, v in scripted.state_dict().items()}
        clip = Clip(sd, depth, tokens)
        model = ViFiCLIP(clip, PromptLearner(tokens, sd["ln_final.weight"].shape[0]))
    else:
        model = ViFiCLIP(scripted, PromptLearner())
    for name, _ in model.named_parameters():
        print(name)


if __name__ == "__main__":
    main()
