#!/usr/bin/python3
"""PyTorch reference peer for TrainExplain: benchmarks and numerical oracle.

Runs with Debian's /usr/bin/python3 (python3-torch, CPU). Plain PyTorch, no Captum: every explanation
method is written out here exactly as shared/METHODS.md defines it, batched the way the C# implementation
batches it (one backward per chunk through the sum of each image's own target score; IG steps, SmoothGrad
samples and occluded copies go through the model in chunks of at most B images).

Subcommands:
  bench    (default)  timings as JSON rows, names shared with the C# benchmark
  oracle              run one method on safetensors inputs, write safetensors outputs
  selftest            check identities of the methods; exit status 1 on any failure
See README.md next to this file.
"""

import argparse
import json
import math
import os
import statistics
import struct
import sys
import tempfile
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

DEFAULT_BATCH = 256  # internal batch size B of METHODS.md


# ----------------------------------------------------------------------------------------------------------
# Models (state_dict names are the contract with the C# example models)
# ----------------------------------------------------------------------------------------------------------

class SimpleNet(nn.Module):
    """conv1 Conv2d(1,32,3), ReLU, MaxPool2d(2), conv2 Conv2d(32,64,3), ReLU, MaxPool2d(2), Flatten,
    Dropout(0.5), fc Linear(1600,10)."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3)
        self.conv2 = nn.Conv2d(32, 64, 3)
        self.dropout = nn.Dropout(0.5)
        self.fc = nn.Linear(1600, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc(self.dropout(torch.flatten(x, 1)))


class DeepNet(nn.Module):
    """conv1 Conv2d(1,32,3), ReLU, conv2 Conv2d(32,64,3), ReLU, conv3 Conv2d(64,128,3), ReLU, Flatten,
    fc1 Linear(61952,128), ReLU, fc2 Linear(128,10)."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3)
        self.conv2 = nn.Conv2d(32, 64, 3)
        self.conv3 = nn.Conv2d(64, 128, 3)
        self.fc1 = nn.Linear(61952, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        x = F.relu(self.conv3(x))
        return self.fc2(F.relu(self.fc1(torch.flatten(x, 1))))


ARCHS = {"simple": SimpleNet, "deep": DeepNet}


def make_model(arch, seed=0):
    torch.manual_seed(seed)
    return ARCHS[arch]()


# ----------------------------------------------------------------------------------------------------------
# safetensors (no python module on Debian 12): 8-byte LE header length, JSON header, raw little-endian data
# ----------------------------------------------------------------------------------------------------------

_ST_DTYPES = {
    "F64": torch.float64, "F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16,
    "I64": torch.int64, "I32": torch.int32, "I16": torch.int16, "I8": torch.int8, "U8": torch.uint8,
    "BOOL": torch.bool,
}
_ST_NAMES = {v: k for k, v in _ST_DTYPES.items()}


def load_safetensors(path):
    with open(path, "rb") as f:
        blob = f.read()
    if len(blob) < 8:
        raise ValueError(f"{path}: {len(blob)} bytes, too short for a safetensors header")
    (header_len,) = struct.unpack("<Q", blob[:8])
    if 8 + header_len > len(blob):
        raise ValueError(f"{path}: header length {header_len} exceeds the file size {len(blob)}")
    header = json.loads(blob[8:8 + header_len].decode("utf-8"))
    data = blob[8 + header_len:]
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        dtype = _ST_DTYPES[info["dtype"]]
        shape = info["shape"]
        count = math.prod(shape)
        size = torch.empty((), dtype=dtype).element_size()
        if end - begin != count * size or end > len(data):
            raise ValueError(f"{path}: tensor {name} has offsets {begin}..{end}, expected {count * size} bytes")
        raw = bytearray(data[begin:end])
        t = torch.frombuffer(raw, dtype=dtype) if count > 0 else torch.empty(0, dtype=dtype)
        tensors[name] = t.reshape(shape).clone()
    return tensors


def save_safetensors(path, tensors):
    header, chunks, offset = {}, [], 0
    for name in sorted(tensors):
        t = tensors[name].detach().contiguous().cpu()
        data = t.numpy().tobytes() if t.dtype != torch.bfloat16 else t.view(torch.int16).numpy().tobytes()
        header[name] = {"dtype": _ST_NAMES[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)  # the format pads the header with spaces to 8-byte alignment
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for c in chunks:
            f.write(c)
    os.replace(tmp, path)


# ----------------------------------------------------------------------------------------------------------
# Shared pieces of METHODS.md
# ----------------------------------------------------------------------------------------------------------

def scores_of(logits, targets, score="logit"):
    """S_c(x) per image: the target's logit, or its softmax probability."""
    if score == "probability":
        logits = torch.softmax(logits, dim=1)
    return logits.gather(1, targets[:, None])[:, 0]


def predicted_targets(model, x, batch=DEFAULT_BATCH):
    with torch.no_grad():
        return torch.cat([model(c).argmax(1) for c in x.split(batch)])


def forward_scores(model, x, targets, score="logit", batch=DEFAULT_BATCH):
    with torch.no_grad():
        return torch.cat([scores_of(model(xc), tc, score) for xc, tc in zip(x.split(batch), targets.split(batch))])


def input_gradients(model, x, targets, score="logit", batch=DEFAULT_BATCH):
    """dS_c/dx for every image: one backward per chunk of at most `batch` images, through the chunk's
    sum of each image's own target score. Returns the gradients and the scores of the same forward passes."""
    grads, scores = [], []
    for xc, tc in zip(x.split(batch), targets.split(batch)):
        xc = xc.detach().requires_grad_(True)
        s = scores_of(model(xc), tc, score)
        (g,) = torch.autograd.grad(s.sum(), xc)
        grads.append(g)
        scores.append(s.detach())
    return torch.cat(grads), torch.cat(scores)


def channel_reduce(raw):
    """m = sum over C of |raw|: [N, C, H, W] -> [N, H, W]."""
    return raw.abs().sum(1)


def percentile_normalize(m):
    """Per image: clamp(m / q, 0, 1), q the 99th percentile of the image's m (torch.quantile, linear
    interpolation); the max if q is 0; all zeros if both are 0."""
    flat = m.reshape(m.shape[0], -1)
    q = torch.quantile(flat, 0.99, dim=1)
    mx = flat.max(1).values
    q = torch.where(q > 0, q, mx)
    safe = torch.where(q > 0, q, torch.ones_like(q))
    heat = torch.clamp(flat / safe[:, None], 0, 1)
    heat = torch.where((q > 0)[:, None], heat, torch.zeros_like(heat))
    return heat.reshape(m.shape)


def minmax_normalize(m, dims=None):
    """(m - min) / (max - min) per image (over all dims but the first, or over `dims`); zeros when max == min."""
    if dims is None:
        dims = tuple(range(1, m.dim()))
    lo = m.amin(dim=dims, keepdim=True)
    hi = m.amax(dim=dims, keepdim=True)
    span = hi - lo
    out = (m - lo) / torch.where(span > 0, span, torch.ones_like(span))
    return torch.where(span > 0, out, torch.zeros_like(out))


def upsample(maps, size):
    """Bilinear, align_corners=False: [N, h, w] -> [N, H, W]."""
    return F.interpolate(maps[:, None], size=size, mode="bilinear", align_corners=False)[:, 0]


def last_conv_name(model, x):
    """Name of the last Conv2d met in forward order (found with forward hooks on one image)."""
    order = []
    hooks = [m.register_forward_hook(lambda mod, i, o, n=n: order.append(n))
             for n, m in model.named_modules() if isinstance(m, nn.Conv2d)]
    try:
        with torch.no_grad():
            model(x[:1])
    finally:
        for h in hooks:
            h.remove()
    if not order:
        raise ValueError("the model has no Conv2d layer")
    return order[-1]


class Capture:
    """Forward hooks that keep the outputs of the named layers (in the graph, for autograd.grad)."""

    def __init__(self, model, names):
        modules = dict(model.named_modules())
        missing = [n for n in names if n not in modules]
        if missing:
            raise ValueError(f"no layer named {missing}; layers: {[n for n in modules if n]}")
        self.outputs = {}
        self.hooks = [modules[n].register_forward_hook(self._keep(n)) for n in names]

    def _keep(self, name):
        def hook(module, inputs, output):
            self.outputs[name] = output
        return hook

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for h in self.hooks:
            h.remove()


def result(raw, heat, targets, scores, **extra):
    out = {"attributions": raw, "heatmaps": heat, "targets": targets, "scores": scores}
    out.update(extra)
    return out


# ----------------------------------------------------------------------------------------------------------
# Methods
# ----------------------------------------------------------------------------------------------------------

def vanilla(model, x, targets, score="logit", batch=DEFAULT_BATCH):
    raw, s = input_gradients(model, x, targets, score, batch)
    return result(raw, percentile_normalize(channel_reduce(raw)), targets, s)


def gradinput(model, x, targets, score="logit", batch=DEFAULT_BATCH):
    g, s = input_gradients(model, x, targets, score, batch)
    raw = x * g
    return result(raw, percentile_normalize(channel_reduce(raw)), targets, s)


SEED_STRIDE = 0x9E3779B97F4A7C15  # golden-ratio increment: sample i's seed is seed + i * SEED_STRIDE (mod 2^64)


def smoothgrad_noise(x, samples, noise, seed):
    """e_i ~ Normal(0, sigma^2), sigma = noise * (max - min) per image. Sample i's standard normal [N, C, H, W] comes
    from its own CPU generator seeded with (seed + i * 0x9E3779B97F4A7C15) mod 2^64, as TrainExplain draws it, so
    the noise depends neither on the chunking nor on the device. Returns [n, N, C, H, W]."""
    sigma = noise * (x.amax(dim=(1, 2, 3)) - x.amin(dim=(1, 2, 3)))
    e = torch.stack([torch.randn(tuple(x.shape), dtype=x.dtype,
                                 generator=torch.Generator().manual_seed((seed + i * SEED_STRIDE) % (1 << 64)))
                     for i in range(samples)])
    return e * sigma[None, :, None, None, None]


def smoothgrad(model, x, targets, samples=20, noise=0.15, seed=0, variant="mean", score="logit",
               batch=DEFAULT_BATCH):
    """variant: mean (SmoothGrad), squared (SmoothGradSquared), var (VarGrad). Noisy copies are laid out
    sample-major ([n, N] flattened) and go through the model in chunks of at most `batch` images."""
    n = x.shape[0]
    noisy = (x[None] + smoothgrad_noise(x, samples, noise, seed)).reshape((samples * n,) + tuple(x.shape[1:]))
    g = input_gradients(model, noisy, targets.repeat(samples), score, batch)[0].reshape((samples,) + tuple(x.shape))
    mean = g.mean(0)
    if variant == "mean":
        raw = mean
    elif variant == "squared":
        raw = (g * g).mean(0)
    elif variant == "var":
        raw = (g * g).mean(0) - mean * mean
    else:
        raise ValueError(f"unknown SmoothGrad variant {variant!r}; expected mean, squared or var")
    return result(raw, percentile_normalize(channel_reduce(raw)), targets, forward_scores(model, x, targets, score, batch))


IG_RULES = ("riemann_left", "riemann_right", "riemann_middle", "riemann_trapezoid", "gauss_legendre")


def ig_points(rule, m):
    """Points a_k and weights w_k of METHODS.md (float64)."""
    k = np.arange(m, dtype=np.float64)
    if rule == "riemann_left":
        return k / m, np.full(m, 1.0 / m)
    if rule == "riemann_right":
        return (k + 1) / m, np.full(m, 1.0 / m)
    if rule == "riemann_middle":
        return (k + 0.5) / m, np.full(m, 1.0 / m)
    if rule == "riemann_trapezoid":
        if m < 2:
            raise ValueError("riemann_trapezoid needs at least 2 steps")
        w = np.full(m, 1.0 / (m - 1))
        w[0] = w[-1] = 1.0 / (2 * (m - 1))
        return k / (m - 1), w
    if rule == "gauss_legendre":
        t, v = np.polynomial.legendre.leggauss(m)
        return (t + 1) / 2, v / 2
    raise ValueError(f"unknown integration rule {rule!r}; expected one of {IG_RULES}")


def integrated_gradients(model, x, targets, steps=50, rule="gauss_legendre", baseline=None, score="logit",
                         batch=DEFAULT_BATCH):
    """Interpolated points are laid out step-major ([m, N] flattened), chunks of at most `batch` images."""
    base = torch.zeros_like(x) if baseline is None else baseline.expand_as(x).to(x.dtype)
    a, w = ig_points(rule, steps)
    a = torch.tensor(a, dtype=x.dtype)
    w = torch.tensor(w, dtype=x.dtype)
    n = x.shape[0]
    diff = x - base
    points = (base[None] + a[:, None, None, None, None] * diff[None]).reshape((steps * n,) + tuple(x.shape[1:]))
    g = input_gradients(model, points, targets.repeat(steps), score, batch)[0].reshape((steps,) + tuple(x.shape))
    raw = diff * (w[:, None, None, None, None] * g).sum(0)
    s_x = forward_scores(model, x, targets, score, batch)
    s_b = forward_scores(model, base.contiguous(), targets, score, batch)
    delta = raw.sum(dim=(1, 2, 3)) - (s_x - s_b)
    return result(raw, percentile_normalize(channel_reduce(raw)), targets, s_x, delta=delta)


def layer_and_gradient(model, x, targets, layer, score="logit", batch=DEFAULT_BATCH):
    """A = output of `layer`, g = dS_c/dA, in chunks of `batch` images; also the scores."""
    acts, grads, scores = [], [], []
    with Capture(model, [layer]) as cap:
        for xc, tc in zip(x.split(batch), targets.split(batch)):
            s = scores_of(model(xc), tc, score)
            a = cap.outputs[layer]
            (g,) = torch.autograd.grad(s.sum(), a)
            acts.append(a.detach())
            grads.append(g)
            scores.append(s.detach())
    return torch.cat(acts), torch.cat(grads), torch.cat(scores)


def cam_result(cam, x, targets, scores):
    raw = upsample(cam, tuple(x.shape[2:]))[:, None]
    return result(raw, minmax_normalize(raw[:, 0]), targets, scores, cam=cam)


def gradcam(model, x, targets, layer=None, guided=False, score="logit", batch=DEFAULT_BATCH):
    layer = layer or last_conv_name(model, x)
    a, g, s = layer_and_gradient(model, x, targets, layer, score, batch)
    if guided:
        g = g * (a > 0) * (g > 0)
    alpha = g.mean(dim=(2, 3))
    cam = F.relu((alpha[:, :, None, None] * a).sum(1))
    return cam_result(cam, x, targets, s)


def gradcampp(model, x, targets, layer=None, score="logit", batch=DEFAULT_BATCH):
    layer = layer or last_conv_name(model, x)
    a, g, s = layer_and_gradient(model, x, targets, layer, score, batch)
    s_k = a.sum(dim=(2, 3), keepdim=True)
    g2 = g * g
    coeff = g2 / (2 * g2 + s_k * g2 * g + 1e-7)
    coeff = torch.where(g != 0, coeff, torch.zeros_like(coeff))
    alpha = (coeff * F.relu(g)).sum(dim=(2, 3))
    cam = F.relu((alpha[:, :, None, None] * a).sum(1))
    return cam_result(cam, x, targets, s)


def layercam(model, x, targets, layer=None, score="logit", batch=DEFAULT_BATCH):
    """LayerCAM: every position weighed by its own positive gradient, cam = ReLU(sum_k ReLU(g_k) * A_k)."""
    layer = layer or last_conv_name(model, x)
    a, g, s = layer_and_gradient(model, x, targets, layer, score, batch)
    cam = F.relu((F.relu(g) * a).sum(1))
    return cam_result(cam, x, targets, s)


def scorecam(model, x, targets, layer=None, max_channels=None, score="probability", batch=DEFAULT_BATCH):
    """Score-CAM as METHODS.md defines it: mask M_k = minmax(upsample(A_k)) per image, weight S_c(x * M_k) - S_c(0),
    cam = ReLU(sum_k alpha_k ReLU(A_k)), no softmax over the channels; with max_channels only each image's channels of largest mean activation (others 0).
    Written one image at a time (its masked copies in chunks of `batch`), not pair-major as the library batches them."""
    a, scores = layer_outputs(model, x, targets, layer, score, batch)
    with torch.no_grad():
        n, k = a.shape[:2]
        base = scores_of(model(torch.zeros_like(x[:1])).expand(n, -1), targets, score)
        keep = k if max_channels is None else min(max_channels, k)
        weights = torch.zeros(n, k)
        for i in range(n):
            chosen = torch.arange(k) if keep == k else a[i].mean(dim=(1, 2)).topk(keep).indices
            masks = minmax_normalize(upsample(a[i, chosen], tuple(x.shape[2:])))
            masked = x[i:i + 1] * masks[:, None]
            s_k = torch.cat([scores_of(model(mc), targets[i].repeat(mc.shape[0]), score) for mc in masked.split(batch)])
            weights[i, chosen] = s_k - base[i]
    cam = F.relu((weights[:, :, None, None] * a.clamp(min=0)).sum(1))
    return cam_result(cam, x, targets, torch.cat(scores))


def occlusion_windows(h, w, window, stride):
    return [(r, c) for r in range(0, h - window + 1, stride) for c in range(0, w - window + 1, stride)]


def occlusion_defaults(h, window, stride):
    window = window or max(1, int(round(h / 7)))
    stride = stride or max(1, window // 2)
    return window, stride


def occlusion(model, x, targets, window=None, stride=None, fill=0.0, score="probability", batch=DEFAULT_BATCH):
    """Occluded copies laid out window-major ([windows, N] flattened), forwards in chunks of `batch`."""
    n, _, h, w = x.shape
    window, stride = occlusion_defaults(h, window, stride)
    if window > h or window > w:
        raise ValueError(f"window {window} larger than the image {h}x{w}")
    corners = occlusion_windows(h, w, window, stride)
    s_x = forward_scores(model, x, targets, score, batch)
    d = torch.empty(len(corners), n, dtype=x.dtype)
    all_targets = targets.repeat(len(corners))
    inside = torch.zeros(len(corners), 1, h, w, dtype=torch.bool)
    for k, (r, c) in enumerate(corners):
        inside[k, :, r:r + window, c:c + window] = True
    fill_value = torch.tensor(fill, dtype=x.dtype)
    with torch.no_grad():
        for idx in torch.arange(len(corners) * n).split(batch):
            chunk = torch.where(inside[idx // n], fill_value, x[idx % n])
            d.view(-1)[idx] = s_x[idx % n] - scores_of(model(chunk), all_targets[idx], score)
    total_d = torch.zeros(n, h, w, dtype=x.dtype)
    cover = torch.zeros(h, w, dtype=x.dtype)
    for k, (r, c) in enumerate(corners):
        total_d[:, r:r + window, c:c + window] += d[k][:, None, None]
        cover[r:r + window, c:c + window] += 1
    raw = torch.where(cover > 0, total_d / torch.where(cover > 0, cover, torch.ones_like(cover)),
                      torch.zeros_like(total_d))[:, None]
    return result(raw, minmax_normalize(F.relu(raw[:, 0])), targets, s_x, windows=torch.tensor(len(corners)))


def biased_spatial_layers(model):
    """(name, bias) of every Conv2d with a bias and every BatchNorm2d (implicit bias), in module order."""
    layers = []
    for name, m in model.named_modules():
        if isinstance(m, nn.Conv2d) and m.bias is not None:
            layers.append((name, m.bias.detach()))
        elif isinstance(m, nn.BatchNorm2d):
            gamma = m.weight.detach() if m.weight is not None else torch.ones_like(m.running_mean)
            beta = m.bias.detach() if m.bias is not None else torch.zeros_like(m.running_mean)
            layers.append((name, beta - m.running_mean * gamma / torch.sqrt(m.running_var + m.eps)))
    return layers


def fullgrad_terms(model, x, targets, score="logit", batch=DEFAULT_BATCH):
    """Signed pieces: x * dS/dx [N,C,H,W] and, per biased layer, dS/dz_l * b_l [N,K,h,w]; plus scores."""
    layers = biased_spatial_layers(model)
    names = [n for n, _ in layers]
    input_terms, bias_terms, scores = [], [[] for _ in layers], []
    with Capture(model, names) as cap:
        for xc, tc in zip(x.split(batch), targets.split(batch)):
            xc = xc.detach().requires_grad_(True)
            s = scores_of(model(xc), tc, score)
            grads = torch.autograd.grad(s.sum(), [xc] + [cap.outputs[n] for n in names])
            input_terms.append(xc.detach() * grads[0])
            for i, (g, (_, b)) in enumerate(zip(grads[1:], layers)):
                bias_terms[i].append(g * b[None, :, None, None])
            scores.append(s.detach())
    return torch.cat(input_terms), [torch.cat(t) for t in bias_terms], torch.cat(scores)


def fullgrad(model, x, targets, score="logit", batch=DEFAULT_BATCH):
    inputs, biases, s = fullgrad_terms(model, x, targets, score, batch)
    size = tuple(x.shape[2:])
    total = minmax_normalize(inputs.abs().sum(1))
    for t in biases:
        total = total + minmax_normalize(upsample(t.abs().sum(1), size))
    raw = total[:, None]
    return result(raw, minmax_normalize(total), targets, s)


def layer_outputs(model, x, targets, layer, score, batch):
    """The named layer's outputs (default the last Conv2d) and the targets' scores, from forwards in chunks of `batch`."""
    layer = layer or last_conv_name(model, x)
    acts, scores = [], []
    with torch.no_grad(), Capture(model, [layer]) as cap:
        for xc, tc in zip(x.split(batch), targets.split(batch)):
            scores.append(scores_of(model(xc), tc, score))
            acts.append(cap.outputs[layer])
    return torch.cat(acts), scores


def activations(model, x, targets, layer=None, score="logit", batch=DEFAULT_BATCH):
    a, scores = layer_outputs(model, x, targets, layer, score, batch)
    return result(a, minmax_normalize(a, dims=(2, 3)), targets, torch.cat(scores))



# Guided backpropagation, Guided Grad-CAM and DeepLIFT (Rescale) on SimpleNet. SimpleNet calls F.relu and
# F.max_pool2d, which no module hook can reach, so these run its layers with the rules passed in, written out as
# METHODS.md defines them with torch.autograd.Function (the C# side hooks the modules instead).

def simple_layers(model, x, relu, pool):
    """SimpleNet's forward (eval mode: dropout is the identity) with its ReLU and 2x2 max-pool given."""
    x = pool(relu(model.conv1(x)))
    x = pool(relu(model.conv2(x)))
    return model.fc(torch.flatten(x, 1))


class GuidedReLU(torch.autograd.Function):
    """ReLU whose backward is [x > 0] * max(g, 0) (Springenberg et al. 2015)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.clamp(min=0)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g.clamp(min=0) * (x > 0).to(g.dtype)


DEEPLIFT_EPS = 1e-10


class RescaleReLU(torch.autograd.Function):
    """ReLU of x with the Rescale multiplier (y - y')/(x - x') against the baseline's x' ([x > 0] where |x - x'| < eps)."""

    @staticmethod
    def forward(ctx, x, x0):
        y, y0 = x.clamp(min=0), x0.clamp(min=0)
        dx = x - x0
        small = dx.abs() < DEEPLIFT_EPS
        m = torch.where(small, (x > 0).to(x.dtype), (y - y0) / torch.where(small, torch.ones_like(dx), dx))
        ctx.save_for_backward(m)
        return y

    @staticmethod
    def backward(ctx, g):
        (m,) = ctx.saved_tensors
        return g * m, None


class RescaleMaxPool(torch.autograd.Function):
    """2x2 max-pool of x; per window the difference y - y' splits as (m - y') to x's winner and (y - m) to x''s
    winner, m = max(y, y'); multiplier = the position's contributions / (x - x'), the plain gradient where |x - x'| < eps."""

    @staticmethod
    def forward(ctx, x, x0):
        y, i = F.max_pool2d(x, 2, return_indices=True)
        y0, i0 = F.max_pool2d(x0, 2, return_indices=True)
        ctx.save_for_backward(x, x0, y, y0, i, i0)
        return y

    @staticmethod
    def backward(ctx, g):
        x, x0, y, y0, i, i0 = ctx.saved_tensors
        size = x.shape[2:]
        m = torch.maximum(y, y0)
        contrib = (F.max_unpool2d(g * (m - y0), i, 2, output_size=size)
                   + F.max_unpool2d(g * (y - m), i0, 2, output_size=size))
        dx = x - x0
        small = dx.abs() < DEEPLIFT_EPS
        plain = F.max_unpool2d(g, i, 2, output_size=size)
        return torch.where(small, plain, contrib / torch.where(small, torch.ones_like(dx), dx)), None


def guided_gradients(model, x, targets, score="logit", batch=DEFAULT_BATCH):
    grads, scores = [], []
    for xc, tc in zip(x.split(batch), targets.split(batch)):
        xc = xc.detach().requires_grad_(True)
        s = scores_of(simple_layers(model, xc, GuidedReLU.apply, lambda t: F.max_pool2d(t, 2)), tc, score)
        (g,) = torch.autograd.grad(s.sum(), xc)
        grads.append(g)
        scores.append(s.detach())
    return torch.cat(grads), torch.cat(scores)


def guided(model, x, targets, score="logit", batch=DEFAULT_BATCH):
    g, s = guided_gradients(model, x, targets, score, batch)
    return result(g, percentile_normalize(channel_reduce(g)), targets, s)


def guided_gradcam(model, x, targets, layer=None, score="logit", batch=DEFAULT_BATCH):
    cam = gradcam(model, x, targets, layer, False, score, batch)["attributions"]
    g, s = guided_gradients(model, x, targets, score, batch)
    raw = g * cam
    return result(raw, percentile_normalize(channel_reduce(raw)), targets, s)


def deeplift(model, x, targets, baseline=None, score="logit", batch=DEFAULT_BATCH):
    """raw = (x - x') * multipliers; the baseline runs its own stream beside the input's (half a chunk each)."""
    base = (torch.zeros_like(x) if baseline is None else baseline.expand_as(x)).contiguous()
    raws, scores, base_scores = [], [], []
    half = max(1, batch // 2)
    for xc, bc, tc in zip(x.split(half), base.split(half), targets.split(half)):
        xc = xc.detach().requires_grad_(True)
        h, h0 = model.conv1(xc), model.conv1(bc)
        a, a0 = RescaleReLU.apply(h, h0), F.relu(h0)
        p, p0 = RescaleMaxPool.apply(a, a0), F.max_pool2d(a0, 2)
        h, h0 = model.conv2(p), model.conv2(p0)
        a, a0 = RescaleReLU.apply(h, h0), F.relu(h0)
        p, p0 = RescaleMaxPool.apply(a, a0), F.max_pool2d(a0, 2)
        s = scores_of(model.fc(torch.flatten(p, 1)), tc, score)
        s0 = scores_of(model.fc(torch.flatten(p0, 1)), tc, score)
        (g,) = torch.autograd.grad(s.sum(), xc)
        raws.append((xc - bc).detach() * g)
        scores.append(s.detach())
        base_scores.append(s0.detach())
    raw, s, s0 = torch.cat(raws), torch.cat(scores), torch.cat(base_scores)
    delta = raw.sum(dim=(1, 2, 3)) - (s - s0)
    return result(raw, percentile_normalize(channel_reduce(raw)), targets, s, delta=delta)


def total_variation(img):
    h, w = img.shape[2:]
    dh = (img[:, :, 1:, :] - img[:, :, :-1, :]).abs().sum(dim=(1, 2, 3))
    dw = (img[:, :, :, 1:] - img[:, :, :, :-1]).abs().sum(dim=(1, 2, 3))
    return (dh + dw) / (h * w)


def activation_maximization(model, classes, shape=(1, 28, 28), steps=100, lr=0.2, l2=0.1, tv=0.1, jitter=1,
                            lo=0.0, hi=1.0, seed=0, score="logit", reference=None, decay=1.5, zoom=0.1):
    """All classes as one batch (METHODS.md): Adam ascent on a 1/f^decay-scaled spectrum z, the image
    lo + (hi - lo) sigmoid(logit(R') + irfft2(w z)), each step seen through a random zoom and shift per image.
    RNG (CPU generator seeded with `seed`): one randn for the start spectrum, then per step n uniform zooms and
    2n shifts; the draws are this peer's own, so the images are not TrainExplain's, the work per step is."""
    gen = torch.Generator().manual_seed(seed)
    targets = torch.as_tensor(classes, dtype=torch.int64)
    n = targets.shape[0]
    c, h, w = shape
    numel = c * h * w
    lr = 0.2 if lr is None else lr
    ref = torch.full(tuple(shape), (lo + hi) / 2) if reference is None else reference
    offset = torch.logit(((ref - lo) / (hi - lo)).clamp(0.02, 0.98))
    f = torch.sqrt(torch.fft.fftfreq(h)[:, None] ** 2 + torch.fft.rfftfreq(w)[None, :] ** 2)
    f0 = 1.0 / max(h, w)
    weight = (f0 / f.clamp_min(f0)) ** decay

    def image(z):
        return lo + (hi - lo) * torch.sigmoid(offset + torch.fft.irfft2(torch.view_as_complex(z) * weight, s=(h, w), norm="ortho"))

    def score_and_prob(i):
        with torch.no_grad():
            logits = model(i)
            return scores_of(logits, targets, score), scores_of(logits, targets, "probability")

    z = 0.01 * torch.randn((n, c, h, w // 2 + 1, 2), generator=gen)
    m, v = torch.zeros_like(z), torch.zeros_like(z)
    s_before, p_before = score_and_prob(image(z))
    for t in range(1, steps + 1):
        scale = 1 + zoom * (2 * torch.rand(n, generator=gen) - 1)
        shift = torch.randint(-jitter, jitter + 1, (n, 2), generator=gen).float()
        theta = torch.zeros(n, 2, 3)
        theta[:, 0, 0] = theta[:, 1, 1] = 1 / scale
        theta[:, 0, 2], theta[:, 1, 2] = -2 * shift[:, 1] / w, -2 * shift[:, 0] / h
        zg = z.clone().requires_grad_(True)
        img = image(zg)
        grid = F.affine_grid(theta, [n, c, h, w], align_corners=False)
        seen = F.grid_sample(img - lo, grid, mode="bilinear", padding_mode="zeros", align_corners=False) + lo
        j = (scores_of(model(seen), targets, score)
             - l2 * ((img - ref) ** 2).sum(dim=(1, 2, 3)) / numel
             - tv * total_variation(img))
        (g,) = torch.autograd.grad(j.sum(), zg)
        m.mul_(0.9).add_(g, alpha=0.1)
        v.mul_(0.999).addcmul_(g, g, value=0.001)
        z = z + lr * (m / (1 - 0.9 ** t)) / ((v / (1 - 0.999 ** t)).sqrt() + 1e-8)
    img = image(z).detach()
    s_after, p_after = score_and_prob(img)
    heat = ((img - lo) / (hi - lo)).mean(1)
    return result(img, heat, targets, s_after, images=img, scores_before=s_before, scores_after=s_after,
                  probabilities_before=p_before, probabilities_after=p_after)


# ----------------------------------------------------------------------------------------------------------
# Faithfulness: deletion and insertion (METHODS.md, Petsiuk et al. 2018)
# ----------------------------------------------------------------------------------------------------------

def pixel_order(saliency):
    """Per image, the flat pixel indices h * W + w by saliency descending, ties by ascending index: [N, H W]."""
    flat = saliency.reshape(saliency.shape[0], -1).double().numpy()
    index = np.arange(flat.shape[1])
    return torch.from_numpy(np.stack([np.lexsort((index, -row)) for row in flat]))


def step_counts(pixels, steps):
    """n_k = round(k H W / S) for k = 0..S; Python's round() takes halves to even."""
    return [round(k * pixels / steps) for k in range(steps + 1)]


def deletion_insertion(model, x, targets, saliency, steps=16, fill=0.0, batch=DEFAULT_BATCH):
    """Deletion image k: x with its first n_k pixels (all channels) set to `fill`; insertion image k: `fill`
    everywhere but its first n_k pixels, taken from x. p_k = softmax probability of the image's target;
    AUC = (1/S) (p_0/2 + p_1 + ... + p_{S-1} + p_S/2). Images go through the model B at a time, no gradients."""
    n, c, h, w = x.shape
    order = pixel_order(saliency)
    counts = step_counts(h * w, steps)
    curves = {}
    for name, insert in (("deletion", False), ("insertion", True)):
        images, image_targets = [], []
        for j in range(n):
            for k in range(steps + 1):
                chosen = torch.zeros(h * w, dtype=torch.bool)
                chosen[order[j, :counts[k]]] = True
                keep = chosen if insert else ~chosen
                images.append(torch.where(keep.reshape(1, h, w), x[j], torch.full_like(x[j], fill)))
                image_targets.append(targets[j])
        points = torch.stack(images)
        point_targets = torch.stack(image_targets)
        with torch.no_grad():
            p = torch.cat([scores_of(model(pc), tc, "probability")
                           for pc, tc in zip(points.split(batch), point_targets.split(batch))]).reshape(n, steps + 1)
        curves[name] = p
    auc = {name: (p.sum(1) - (p[:, 0] + p[:, steps]) / 2) / steps for name, p in curves.items()}
    return {"deletion_auc": auc["deletion"], "insertion_auc": auc["insertion"], "deletion_curve": curves["deletion"],
            "insertion_curve": curves["insertion"], "targets": targets}


# ----------------------------------------------------------------------------------------------------------
# oracle subcommand
# ----------------------------------------------------------------------------------------------------------

METHODS = ("vanilla", "gradinput", "smoothgrad", "smoothgrad_sq", "vargrad", "ig", "gradcam", "gradcam_guided",
           "gradcampp", "occlusion", "fullgrad", "activations", "actmax", "deletion_insertion", "guidedbackprop",
           "guided_gradcam", "deeplift", "layercam", "scorecam")


def run_method(model, method, x, targets, opts):
    b = opts.batch_size
    if method == "vanilla":
        return vanilla(model, x, targets, opts.score or "logit", b)
    if method == "gradinput":
        return gradinput(model, x, targets, opts.score or "logit", b)
    if method in ("smoothgrad", "smoothgrad_sq", "vargrad"):
        variant = {"smoothgrad": "mean", "smoothgrad_sq": "squared", "vargrad": "var"}[method]
        return smoothgrad(model, x, targets, opts.samples, opts.noise, opts.seed, variant, opts.score or "logit", b)
    if method == "ig":
        return integrated_gradients(model, x, targets, opts.steps or 50, opts.rule, opts.baseline,
                                    opts.score or "logit", b)
    if method in ("gradcam", "gradcam_guided"):
        return gradcam(model, x, targets, opts.layer, opts.guided or method == "gradcam_guided",
                       opts.score or "logit", b)
    if method == "gradcampp":
        return gradcampp(model, x, targets, opts.layer, opts.score or "logit", b)
    if method == "layercam":
        return layercam(model, x, targets, opts.layer, opts.score or "logit", b)
    if method == "scorecam":
        return scorecam(model, x, targets, opts.layer, opts.max_channels, opts.score or "probability", b)
    if method == "occlusion":
        return occlusion(model, x, targets, opts.window, opts.stride, opts.fill, opts.score or "probability", b)
    if method == "fullgrad":
        return fullgrad(model, x, targets, opts.score or "logit", b)
    if method == "activations":
        return activations(model, x, targets, opts.layer, opts.score or "logit", b)
    if method == "actmax":
        return activation_maximization(model, opts.classes, tuple(x.shape[1:]), opts.steps or 100, opts.lr or 0.2,
                                       opts.l2, opts.tv, opts.jitter, opts.lo, opts.hi, opts.seed,
                                       opts.score or "logit")
    if method == "deletion_insertion":
        if opts.saliency is None:
            raise ValueError("deletion_insertion needs a 'saliency' [N, H, W] tensor in the input file")
        return deletion_insertion(model, x, targets, opts.saliency, opts.metric_steps, opts.fill, b)
    if method in ("guidedbackprop", "guided_gradcam", "deeplift") and not isinstance(model, SimpleNet):
        raise ValueError(f"{method}: the reference runs SimpleNet's layers with its rules, so it needs --arch simple")
    if method == "guidedbackprop":
        return guided(model, x, targets, opts.score or "logit", b)
    if method == "guided_gradcam":
        return guided_gradcam(model, x, targets, opts.layer, opts.score or "logit", b)
    if method == "deeplift":
        return deeplift(model, x, targets, opts.baseline, opts.score or "logit", b)
    raise ValueError(f"unknown method {method!r}; expected one of {METHODS}")


def oracle(opts):
    model = ARCHS[opts.arch]()
    model.load_state_dict({k: v.float() for k, v in load_safetensors(opts.weights).items()}, strict=True)
    model.eval()
    inputs = load_safetensors(opts.input)
    if "input" not in inputs:
        raise ValueError(f"{opts.input}: no tensor named 'input' (found {sorted(inputs)})")
    x = inputs["input"].float()
    if x.dim() != 4:
        raise ValueError(f"input must be [N, C, H, W], got {list(x.shape)}")
    opts.baseline = inputs["baseline"].float() if "baseline" in inputs else None
    opts.saliency = inputs["saliency"].float() if "saliency" in inputs else None
    targets = inputs["targets"].long() if "targets" in inputs else predicted_targets(model, x, opts.batch_size)
    if opts.method == "actmax" and opts.classes is None:
        opts.classes = targets.tolist() if "targets" in inputs else list(range(10))
    out = run_method(model, opts.method, x, targets, opts)
    save_safetensors(opts.out, {k: v for k, v in out.items()})
    print(f"{opts.method}: wrote {sorted(out)} to {opts.out}", file=sys.stderr)


# torchvision ResNets at 224 px (the C# suite "imagenet"): the same weights, saved by the C# side as safetensors.

class GuidedReLUHooks:
    """Guided backpropagation on any model of nn.ReLU modules (torchvision's, in place): a forward hook passes each
    ReLU's output through GuidedReLU, whose backward is [y > 0] * max(g, 0), the same mask as [x > 0] for y = relu(x)."""

    def __init__(self, model):
        self.hooks = [m.register_forward_hook(lambda mod, i, o: GuidedReLU.apply(o))
                      for m in model.modules() if isinstance(m, nn.ReLU)]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for h in self.hooks:
            h.remove()


def guided_hooked(model, x, targets, score="logit", batch=DEFAULT_BATCH):
    with GuidedReLUHooks(model):
        g, s = input_gradients(model, x, targets, score, batch)
    return result(g, percentile_normalize(channel_reduce(g)), targets, s)


def guided_gradcam_hooked(model, x, targets, layer=None, score="logit", batch=DEFAULT_BATCH):
    cam = gradcam(model, x, targets, layer, False, score, batch)["attributions"]
    with GuidedReLUHooks(model):
        g, s = input_gradients(model, x, targets, score, batch)
    raw = g * cam
    return result(raw, percentile_normalize(channel_reduce(raw)), targets, s)


IMAGENET_BATCH = 32  # the internal batch size of both sides in this suite
MULTI_PASS = {"ig", "smoothgrad", "occlusion", "scorecam"}


def torchvision_resnet(arch, weights_dir):
    import torchvision
    model = getattr(torchvision.models, arch)()
    state = load_safetensors(os.path.join(weights_dir, f"{arch}.safetensors"))
    missing, unexpected = model.load_state_dict(state, strict=False)
    # TorchSharp's BatchNorm2d may not save num_batches_tracked, which no forward reads; anything else must match.
    if unexpected or any(not k.endswith("num_batches_tracked") for k in missing):
        raise ValueError(f"{arch}: the C# weights do not fit torchvision's model: missing {missing}, unexpected {unexpected}")
    return model.eval()


def bench_imagenet(rows, quick, weights_dir):
    if weights_dir is None:
        raise ValueError("--suite imagenet needs --weights-dir, where the C# suite saved the ResNets' weights")
    b = IMAGENET_BATCH
    for arch in ["resnet18", "resnet50"]:
        model = torchvision_resnet(arch, weights_dir)
        for n in [4, 16]:
            core_only = arch != "resnet18" or n != 4  # as the C# suite: every method on ResNet-18 at batch 4 only
            x = torch.rand(n, 3, 224, 224, generator=torch.Generator().manual_seed(1))
            t = torch.arange(n) * 37 % 1000
            model.eval()

            def fwd_bwd():
                xi = x.detach().requires_grad_(True)
                torch.autograd.grad(scores_of(model(xi), t).sum(), xi)

            cases = [
                ("fwd_bwd", True, fwd_bwd),
                ("vanilla", True, lambda: vanilla(model, x, t, batch=b)),
                ("gradinput", False, lambda: gradinput(model, x, t, batch=b)),
                ("gradcam", True, lambda: gradcam(model, x, t, batch=b)),
                ("gradcampp", False, lambda: gradcampp(model, x, t, batch=b)),
                ("layercam", False, lambda: layercam(model, x, t, batch=b)),
                ("activations", False, lambda: activations(model, x, t, batch=b)),
                ("guidedbackprop", False, lambda: guided_hooked(model, x, t, batch=b)),
                ("guided_gradcam", False, lambda: guided_gradcam_hooked(model, x, t, batch=b)),
                ("fullgrad", False, lambda: fullgrad(model, x, t, batch=b)),
                ("ig", False, lambda: integrated_gradients(model, x, t, 8, "gauss_legendre", batch=b)),
                ("smoothgrad", False, lambda: smoothgrad(model, x, t, 4, 0.15, 0, "mean", batch=b)),
                ("occlusion", False, lambda: occlusion(model, x, t, window=112, stride=112, batch=b)),
                ("scorecam", False, lambda: scorecam(model, x, t, max_channels=8, batch=b)),
            ]
            for name, core, fn in cases:
                if core_only and not core:
                    continue
                repeats = 1 if quick else (2 if name in MULTI_PASS else 3)
                med, best = time_call(fn, repeats, warmup=0 if quick and name in MULTI_PASS else 1)
                rows.append({"suite": "imagenet", "name": f"imagenet/{arch}_b{n}/{name}", "value": med * 1e3, "unit": "ms",
                             "best": best * 1e3})
                log(f"imagenet/{arch}_b{n}/{name}: {med * 1e3:.0f} ms (best {best * 1e3:.0f})")
            if n != 4:
                continue  # as the C# side, whose libtorch 2.10 dies of SIGFPE in the step at batch 16 on this CPU
            opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
            model.train()

            def step():
                opt.zero_grad(set_to_none=True)
                F.cross_entropy(model(x), t).backward()
                opt.step()

            med, best = time_call(step, 1 if quick else 3)
            model.eval()
            rows.append({"suite": "imagenet", "name": f"imagenet/{arch}_b{n}/train_step", "value": med * 1e3, "unit": "ms",
                         "best": best * 1e3})
            log(f"imagenet/{arch}_b{n}/train_step: {med * 1e3:.0f} ms (best {best * 1e3:.0f})")


# ----------------------------------------------------------------------------------------------------------
# bench subcommand
# ----------------------------------------------------------------------------------------------------------

def log(msg):
    print(msg, file=sys.stderr, flush=True)


def time_call(fn, repeats, warmup=1):
    """Median wall time of `fn` over `repeats` calls after `warmup` calls (seconds), and the minimum."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), min(times)


def bench_training(rows, quick):
    sizes = {"simple": 256 if quick else 2048, "deep": 64 if quick else 256}
    repeats = 2 if quick else 5
    for arch, n in sizes.items():
        torch.manual_seed(0)
        model = make_model(arch)
        model.train()
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        x = torch.rand(n, 1, 28, 28)
        y = torch.randint(0, 10, (n,))

        def epoch():
            for xb, yb in zip(x.split(64), y.split(64)):
                opt.zero_grad(set_to_none=True)
                F.cross_entropy(model(xb), yb).backward()
                opt.step()

        med, best = time_call(epoch, repeats)
        rows.append({"suite": "training", "name": f"train/{arch}", "value": n / med, "unit": "images/s",
                     "passes": n // 64, "best": n / best})
        log(f"train/{arch}: {n / med:.1f} images/s ({n} images, median of {repeats})")


ONE_PASS_METHODS = ["vanilla", "gradinput", "gradcam", "gradcampp", "fullgrad"]


def bench_explainers(rows, quick):
    model = make_model("simple").eval()
    x = torch.rand(64, 1, 28, 28, generator=torch.Generator().manual_seed(1))
    t = predicted_targets(model, x)
    h = x.shape[2]
    window, stride = occlusion_defaults(h, None, None)
    n_windows = len(occlusion_windows(h, h, window, stride))
    cases = [
        ("vanilla", 1, lambda: vanilla(model, x, t)),
        ("gradinput", 1, lambda: gradinput(model, x, t)),
        ("smoothgrad", 20, lambda: smoothgrad(model, x, t, 20, 0.15, 0, "mean")),
        ("smoothgrad_sq", 20, lambda: smoothgrad(model, x, t, 20, 0.15, 0, "squared")),
        ("vargrad", 20, lambda: smoothgrad(model, x, t, 20, 0.15, 0, "var")),
        ("ig", 50, lambda: integrated_gradients(model, x, t, 50, "gauss_legendre")),
        ("gradcam", 1, lambda: gradcam(model, x, t)),
        ("gradcam_guided", 1, lambda: gradcam(model, x, t, guided=True)),
        ("gradcampp", 1, lambda: gradcampp(model, x, t)),
        ("layercam", 1, lambda: layercam(model, x, t)),
        ("scorecam", 65, lambda: scorecam(model, x, t)),
        ("occlusion", n_windows, lambda: occlusion(model, x, t)),
        ("fullgrad", 1, lambda: fullgrad(model, x, t)),
        ("activations", 1, lambda: activations(model, x, t)),
        ("actmax", 100, lambda: activation_maximization(model, list(range(10)), steps=100)),
        ("guidedbackprop", 1, lambda: guided(model, x, t)),
        ("guided_gradcam", 2, lambda: guided_gradcam(model, x, t)),
        ("deeplift", 2, lambda: deeplift(model, x, t)),
    ]
    for name, passes, fn in cases:
        repeats = 1 if quick else (5 if passes >= 20 else 15)
        med, best = time_call(fn, repeats)
        images = 10 if name == "actmax" else x.shape[0]
        rows.append({"suite": "explainers", "name": f"explain/{name}", "value": med * 1e3, "unit": "ms",
                     "passes": passes, "images_per_s": images / med, "best": best * 1e3})
        log(f"explain/{name}: {med * 1e3:.2f} ms/call (best {best * 1e3:.2f}), {passes} passes, "
            f"{images / med:.1f} images/s")
    # PyTorch has no sharing: the five one-pass methods on one batch cost the sum of their calls.
    by_name = {r["name"]: r["value"] for r in rows}
    rows.append({"suite": "explainers", "name": "explain/one_pass_five",
                 "value": sum(by_name[f"explain/{n}"] for n in ONE_PASS_METHODS), "unit": "ms", "passes": 5})

    xg = x.clone()

    def fwd_bwd():
        xi = xg.detach().requires_grad_(True)
        scores_of(model(xi), t).sum().backward()

    _, best = time_call(fwd_bwd, 5 if quick else 20, warmup=2)
    rows.append({"suite": "explainers", "name": "pass/fwd_bwd_per_image", "value": best * 1e3 / x.shape[0],
                 "unit": "ms", "passes": 1, "best": best * 1e3 / x.shape[0]})
    log(f"pass/fwd_bwd_per_image: {best * 1e3 / x.shape[0]:.4f} ms (best of batch-64 passes / 64)")


def bench_binding(rows, quick):
    a, b = torch.rand(16), torch.rand(16)
    calls = 20000 if quick else 200000

    def adds():
        for _ in range(calls):
            torch.add(a, b)

    med, best = time_call(adds, 3)
    rows.append({"suite": "binding", "name": "binding/add16", "value": med / calls * 1e6, "unit": "us",
                 "passes": 0, "best": best / calls * 1e6})
    log(f"binding/add16: {med / calls * 1e6:.3f} us/call")

    x = torch.rand(64, 1, 28, 28)
    w = torch.randn(32, 1, 3, 3, requires_grad=True)
    bias = torch.randn(32, requires_grad=True)
    grad_out = torch.ones(64, 32, 26, 26)

    def conv():
        w.grad = None
        bias.grad = None
        F.conv2d(x, w, bias).backward(grad_out)

    med, best = time_call(conv, 10 if quick else 50, warmup=3)
    rows.append({"suite": "binding", "name": "binding/conv2d_fwd_bwd", "value": med * 1e3, "unit": "ms",
                 "passes": 1, "best": best * 1e3})
    log(f"binding/conv2d_fwd_bwd: {med * 1e3:.3f} ms")


def bench(opts):
    torch.set_num_threads(opts.threads)
    rows = []
    suites = ["training", "explainers", "binding"] if opts.suite == "all" else [opts.suite]
    t0 = time.perf_counter()
    for s in suites:
        log(f"== suite {s} (threads {opts.threads}{', quick' if opts.quick else ''})")
        {"training": bench_training, "explainers": bench_explainers, "binding": bench_binding,
         "imagenet": lambda r, q: bench_imagenet(r, q, opts.weights_dir)}[s](rows, opts.quick)
    log(f"== done in {time.perf_counter() - t0:.1f} s")
    doc = {"torch_version": torch.__version__, "threads": torch.get_num_threads(), "quick": opts.quick, "rows": rows}
    text = json.dumps(doc, indent=2)
    if opts.json:
        with open(opts.json, "w") as f:
            f.write(text + "\n")
    else:
        print(text)


# ----------------------------------------------------------------------------------------------------------
# selftest subcommand
# ----------------------------------------------------------------------------------------------------------

class LinearNet(nn.Module):
    """fc over the flattened image: every input-gradient identity is known in closed form."""

    def __init__(self, shape=(1, 6, 6), classes=3):
        super().__init__()
        self.fc = nn.Linear(math.prod(shape), classes)

    def forward(self, x):
        return self.fc(torch.flatten(x, 1))


class GapNet(nn.Module):
    """conv -> global average pool -> fc: Grad-CAM equals CAM (Zhou et al. 2016) up to ReLU."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3)
        self.fc = nn.Linear(4, 3)

    def forward(self, x):
        return self.fc(self.conv(x).mean(dim=(2, 3)))


class SelfTest:
    def __init__(self):
        self.failures = 0

    def check(self, name, ok, detail=""):
        print(f"{'ok  ' if ok else 'FAIL'} {name} {detail}", file=sys.stderr)
        self.failures += 0 if ok else 1

    def close(self, name, a, b, tol):
        err = (a - b).abs().max().item() if torch.is_tensor(a) else abs(a - b)
        scale = max(1.0, b.abs().max().item() if torch.is_tensor(b) else abs(b))
        self.check(name, err <= tol * scale, f"(max error {err:.3g}, tolerance {tol * scale:.3g})")


def selftest(_opts):
    torch.manual_seed(0)
    st = SelfTest()
    gen = torch.Generator().manual_seed(3)

    # safetensors: the byte layout of the format, then a round trip of several dtypes
    path = os.path.join(tempfile.mkdtemp(), "t.safetensors")
    save_safetensors(path, {"a": torch.tensor([1.0, -2.0])})
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    st.check("safetensors layout", n % 8 == 0 and blob[8 + n:] == struct.pack("<2f", 1.0, -2.0)
             and json.loads(blob[8:8 + n]) == {"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}})
    tensors = {"a": torch.randn(2, 3), "b": torch.arange(5), "c": torch.tensor([1, 2], dtype=torch.uint8),
               "d": torch.randn(4, dtype=torch.float64), "e": torch.zeros(0, 3)}
    save_safetensors(path, tensors)
    back = load_safetensors(path)
    st.check("safetensors round trip", all(back[k].dtype == v.dtype and torch.equal(back[k], v)
                                           for k, v in tensors.items()))

    # normalization
    m = torch.arange(100, dtype=torch.float32).reshape(1, 10, 10)
    st.close("percentile clamps above q = 98.01", percentile_normalize(m)[0, 9, 9].item(), 1.0, 0)
    st.close("percentile of arange", percentile_normalize(m)[0, 5, 0].item(), 50 / 98.01, 1e-6)
    spike = torch.zeros(1, 10, 10)
    spike[0, 3, 3] = 2.0
    st.check("percentile falls back to max", percentile_normalize(spike)[0, 3, 3].item() == 1.0
             and percentile_normalize(spike).sum().item() == 1.0)
    st.check("percentile all zeros", percentile_normalize(torch.zeros(2, 4, 4)).abs().sum().item() == 0)
    st.check("minmax constant -> zeros", minmax_normalize(torch.full((2, 3, 3), 5.0)).abs().sum().item() == 0)
    mm = minmax_normalize(torch.tensor([[[1.0, 3.0], [2.0, 5.0]]]))
    st.close("minmax values", mm, torch.tensor([[[0.0, 0.5], [0.25, 1.0]]]), 1e-7)

    # integration rules: weights sum to 1, exact on the polynomials they are built for
    for rule in IG_RULES:
        a, w = ig_points(rule, 7)
        st.close(f"{rule} weights sum to 1", w.sum(), 1.0, 1e-12)
    a, w = ig_points("gauss_legendre", 5)
    st.close("gauss_legendre exact for t^9", (w * a ** 9).sum(), 0.1, 1e-12)
    a, w = ig_points("riemann_trapezoid", 5)
    st.close("trapezoid exact for t", (w * a).sum(), 0.5, 1e-12)

    # linear model: gradients are the target's weight row
    lin = LinearNet().eval()
    x = torch.rand(5, 1, 6, 6, generator=gen)
    t = torch.tensor([0, 1, 2, 1, 0])
    wrow = lin.fc.weight.detach()[t].reshape(5, 1, 6, 6)
    st.close("vanilla = weight row (linear)", vanilla(lin, x, t)["attributions"], wrow, 1e-6)
    st.close("gradinput = x * weight row (linear)", gradinput(lin, x, t)["attributions"], x * wrow, 1e-6)
    base = torch.rand(1, 1, 6, 6, generator=gen)
    for rule in IG_RULES:
        out = integrated_gradients(lin, x, t, 6, rule, base)
        st.close(f"ig {rule} = (x - x') * w (linear)", out["attributions"], (x - base) * wrow, 1e-5)
        st.close(f"ig {rule} completeness (linear)", out["delta"], torch.zeros(5), 1e-5)
    sg = smoothgrad(lin, x, t, 8, 0.3, 1, "mean")
    st.close("smoothgrad = weight row (linear)", sg["attributions"], wrow, 1e-6)
    st.close("vargrad = 0 (linear)", smoothgrad(lin, x, t, 8, 0.3, 1, "var")["attributions"], torch.zeros_like(x), 1e-6)

    # occlusion with logits on a linear model: d_w = sum over the window of w_c * (x - v)
    v = 0.25
    occ = occlusion(lin, x, t, window=2, stride=1, fill=v, score="logit")
    contrib = (wrow * (x - v))[:, 0]
    expect = torch.zeros(5, 6, 6)
    cover = torch.zeros(6, 6)
    for r, c in occlusion_windows(6, 6, 2, 1):
        expect[:, r:r + 2, c:c + 2] += contrib[:, r:r + 2, c:c + 2].sum(dim=(1, 2))[:, None, None]
        cover[r:r + 2, c:c + 2] += 1
    st.close("occlusion = mean window contribution (linear)", occ["attributions"][:, 0], expect / cover, 1e-5)
    occ3 = occlusion(lin, x, t, window=4, stride=4, fill=v, score="logit")
    st.check("occlusion: uncovered pixels are 0", occ3["attributions"][:, 0, 4:, :].abs().sum().item() == 0
             and occ3["windows"].item() == 1)

    # Grad-CAM on conv -> GAP -> fc equals ReLU(sum_k w_ck A_k) / (h w)
    gap = GapNet().eval()
    xg = torch.rand(4, 1, 8, 8, generator=gen)
    tg = torch.tensor([0, 1, 2, 0])
    out = gradcam(gap, xg, tg)
    a = gap.conv(xg).detach()
    cam = F.relu((gap.fc.weight.detach()[tg][:, :, None, None] * a).sum(1)) / 36
    st.close("gradcam = CAM (GAP model)", out["cam"], cam, 1e-5)
    st.check("gradcam heatmap in [0,1], max 1", out["heatmaps"].min().item() >= 0
             and all(abs(v - 1) < 1e-6 or v == 0 for v in out["heatmaps"].amax(dim=(1, 2)).tolist()))

    # simple model: batching must not change results; FullGrad's signed completeness
    simple = make_model("simple").eval()
    xs = torch.rand(6, 1, 28, 28, generator=gen)
    ts = predicted_targets(simple, xs)
    for name, fn in [("ig", lambda b: integrated_gradients(simple, xs, ts, 16, batch=b)),
                     ("smoothgrad", lambda b: smoothgrad(simple, xs, ts, 5, 0.15, 2, batch=b)),
                     ("occlusion", lambda b: occlusion(simple, xs, ts, batch=b)),
                     ("fullgrad", lambda b: fullgrad(simple, xs, ts, batch=b)),
                     ("gradcampp", lambda b: gradcampp(simple, xs, ts, batch=b))]:
        st.close(f"{name}: B=256 vs B=7", fn(256)["attributions"], fn(7)["attributions"], 1e-5)
    one_by_one = torch.cat([vanilla(simple, xs[i:i + 1], ts[i:i + 1])["attributions"] for i in range(6)])
    st.close("vanilla: batch = one image at a time", vanilla(simple, xs, ts)["attributions"], one_by_one, 1e-5)
    inputs, biases, s = fullgrad_terms(simple, xs, ts)
    total = inputs.sum(dim=(1, 2, 3)) + sum(b.sum(dim=(1, 2, 3)) for b in biases) + simple.fc.bias.detach()[ts]
    st.close("fullgrad completeness: S = x.gx + sum b.gb (piecewise linear)", total, s, 1e-4)
    ig = integrated_gradients(simple, xs, ts, 256, "riemann_trapezoid")
    gap_s = (ig["scores"] - forward_scores(simple, torch.zeros_like(xs), ts)).abs()
    st.check("ig completeness (simple, 256 steps) within 2% of S(x)-S(0)",
             bool((ig["delta"].abs() <= 0.02 * gap_s + 1e-4).all()), f"(|delta| {ig['delta'].abs().max():.3g})")
    st.close("smoothgrad noise 0 = vanilla", smoothgrad(simple, xs, ts, 3, 0.0, 0)["attributions"],
             vanilla(simple, xs, ts)["attributions"], 1e-6)
    act = activations(simple, xs, ts)
    st.check("activations: conv2 output [N,64,11,11]", list(act["attributions"].shape) == [6, 64, 11, 11])
    am = activation_maximization(simple, [0, 3, 7], steps=30)
    st.check("actmax raises every class score", bool((am["scores_after"] > am["scores_before"]).all()),
             f"({am['scores_before'].tolist()} -> {am['scores_after'].tolist()})")
    st.check("actmax stays in [lo, hi]", am["images"].min().item() >= 0 and am["images"].max().item() <= 1)

    # deletion and insertion: halves to even, ties by ascending index, a constant model's AUC is its probability
    st.check("deletion steps round halves to even", step_counts(10, 4) == [0, 2, 5, 8, 10])
    st.check("pixel order: saliency descending, ties by ascending index",
             pixel_order(torch.tensor([[[1.0, 3.0], [3.0, 0.0]]])).tolist() == [[1, 2, 0, 3]])
    flat = LinearNet().eval()
    with torch.no_grad():
        flat.fc.weight.zero_()
        flat.fc.bias.zero_()
    faith = deletion_insertion(flat, x, t, torch.rand(5, 6, 6, generator=gen), steps=4)
    st.close("deletion/insertion AUC of a constant model = 1/K", faith["deletion_auc"], torch.full((5,), 1 / 3), 1e-6)

    print(f"selftest: {st.failures} failure(s)", file=sys.stderr)
    return 1 if st.failures else 0


# ----------------------------------------------------------------------------------------------------------
# command line
# ----------------------------------------------------------------------------------------------------------

def parse(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command")
    bench_p = sub.add_parser("bench", help="timings (the default subcommand)")
    for q in (p, bench_p):
        q.add_argument("--threads", type=int, default=torch.get_num_threads())
        q.add_argument("--json", help="write the rows here (else stdout)")
        q.add_argument("--suite", choices=["training", "explainers", "binding", "imagenet", "all"], default="all")
        q.add_argument("--quick", action="store_true")
        q.add_argument("--weights-dir", help="imagenet: the folder where the C# suite saved resnet18/50.safetensors")
    o = sub.add_parser("oracle", help="run one method on safetensors inputs")
    o.add_argument("--weights", required=True)
    o.add_argument("--arch", choices=sorted(ARCHS), default="simple")
    o.add_argument("--input", required=True,
                   help="safetensors with 'input' [N,C,H,W], optional 'targets', 'baseline', 'saliency' [N,H,W]")
    o.add_argument("--method", required=True, choices=METHODS)
    o.add_argument("--out", required=True)
    o.add_argument("--threads", type=int, default=1)
    o.add_argument("--batch-size", type=int, default=DEFAULT_BATCH)
    o.add_argument("--score", choices=["logit", "probability"], help="default: probability for occlusion and scorecam, else logit")
    o.add_argument("--steps", type=int, help="ig: m (50); actmax: steps (100)")
    o.add_argument("--rule", choices=IG_RULES, default="gauss_legendre")
    o.add_argument("--samples", type=int, default=20)
    o.add_argument("--noise", type=float, default=0.15)
    o.add_argument("--seed", type=int, default=0)
    o.add_argument("--layer")
    o.add_argument("--guided", action="store_true")
    o.add_argument("--max-channels", type=int, help="scorecam: channels scored per image (default all)")
    o.add_argument("--window", type=int)
    o.add_argument("--stride", type=int)
    o.add_argument("--fill", type=float, default=0.0, help="occlusion's and deletion/insertion's fill value")
    o.add_argument("--metric-steps", type=int, default=16, help="deletion_insertion: S, the steps of each curve")
    o.add_argument("--classes", type=lambda s: [int(c) for c in s.split(",")])
    o.add_argument("--lr", type=float)
    o.add_argument("--l2", type=float, default=0.1)
    o.add_argument("--tv", type=float, default=0.1)
    o.add_argument("--jitter", type=int, default=1)
    o.add_argument("--lo", type=float, default=0.0)
    o.add_argument("--hi", type=float, default=1.0)
    sub.add_parser("selftest", help="check the methods' identities")
    return p.parse_args(argv)


def main(argv):
    opts = parse(argv)
    if opts.command == "oracle":
        torch.set_num_threads(opts.threads)
        oracle(opts)
        return 0
    if opts.command == "selftest":
        return selftest(opts)
    bench(opts)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
