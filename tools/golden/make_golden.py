#!/usr/bin/python3
"""PyTorch golden cases for Lanes' layers and optimizers.

Run with Debian's python3 (python3-torch): /usr/bin/python3 tools/golden/make_golden.py
Writes testdata/golden/*.lanes in the Lanes tensor container (see dev.lanes.nn.io.TensorFile):
big-endian; "LANES", int32 version 1, int64 file length, int32 entry count, entries
(uint8 kind, int32 name length + UTF-8 name, then int32 rank + int32 dims + float32 values for kinds
1 parameter / 2 buffer / 3 tensor, or int32 length + UTF-8 text for kind 4 metadata), CRC-32 of all that.

Each case holds the inputs, parameters, an upstream gradient "dy", the outputs and every gradient; the
Java GoldenTest runs Lanes on the same inputs and compares tensor by tensor. Seeds are fixed, so
re-running reproduces the same files byte for byte (given the same torch build).
"""
import os
import struct
import zlib

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

VERSION = 1
PARAMETER, BUFFER, TENSOR, TEXT = 1, 2, 3, 4
OUT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "testdata", "golden"))


def _utf8(s):
    b = s.encode("utf-8")
    return struct.pack(">i", len(b)) + b


def write(name, tensors, meta=None, params=None, buffers=None):
    """tensors/params/buffers: dict name -> torch tensor or array; meta: dict name -> str."""
    body = b""
    count = 0
    for kind, entries in ((PARAMETER, params or {}), (BUFFER, buffers or {}), (TENSOR, tensors)):
        for key, t in entries.items():
            a = np.asarray(t.detach().cpu().numpy() if torch.is_tensor(t) else t, dtype=np.float32)
            body += struct.pack(">B", kind) + _utf8(key) + struct.pack(">i", a.ndim)
            body += b"".join(struct.pack(">i", d) for d in a.shape) + a.astype(">f4").tobytes()
            count += 1
    for key, value in (meta or {}).items():
        body += struct.pack(">B", TEXT) + _utf8(key) + _utf8(str(value))
        count += 1
    length = 5 + 4 + 8 + 4 + len(body) + 4
    data = b"LANES" + struct.pack(">iqi", VERSION, length, count) + body
    data += struct.pack(">I", zlib.crc32(data) & 0xFFFFFFFF)
    path = os.path.join(OUT, name + ".lanes")
    with open(path, "wb") as f:
        f.write(data)
    print(f"{path}: {len(data)} bytes, {count} entries")


def leaf(*shape, scale=1.0):
    return (torch.randn(*shape) * scale).requires_grad_(True)


def layer_case(name, module, x, meta, renames=None):
    """Forward x through module, backward a random dy; store x, params, y, dy, dx and d<param>."""
    renames = renames or {}
    y = module(x)
    dy = torch.randn_like(y)
    y.backward(dy)
    t = {"x": x, "y": y, "dy": dy, "dx": x.grad}
    for pname, p in module.named_parameters():
        lname = renames.get(pname, pname)
        t[lname] = p
        t["d" + lname] = p.grad
    return t


def conv_cases():
    for i, (cin, cout, k, s, p, bias, hw) in enumerate([(3, 4, 3, 1, 1, True, 7), (2, 3, 3, 2, 1, True, 8),
                                                         (4, 5, 1, 1, 0, False, 5), (1, 2, 5, 2, 2, True, 9)]):
        torch.manual_seed(100 + i)
        conv = nn.Conv2d(cin, cout, k, stride=s, padding=p, bias=bias)
        x = leaf(2, cin, hw, hw)
        meta = {"in": cin, "out": cout, "kernel": k, "stride": s, "padding": p, "bias": str(bias).lower()}
        write(f"conv2d_{i}", layer_case("conv2d", conv, x, meta), meta)


def grouped_conv_cases():
    """groups=2 (two input channels per group, three filters per group, stride 2, bias) and depthwise (groups = channels, no bias)."""
    for i, (cin, cout, groups, k, s, p, bias, hw) in enumerate([(4, 6, 2, 3, 2, 1, True, 8), (3, 3, 3, 3, 1, 1, False, 7)]):
        torch.manual_seed(150 + i)
        conv = nn.Conv2d(cin, cout, k, stride=s, padding=p, bias=bias, groups=groups)
        x = leaf(2, cin, hw, hw)
        meta = {"in": cin, "out": cout, "groups": groups, "kernel": k, "stride": s, "padding": p, "bias": str(bias).lower()}
        write(f"conv2d_grouped_{i}", layer_case("conv2d", conv, x, meta), meta)


def batchnorm_case():
    torch.manual_seed(200)
    bn = nn.BatchNorm2d(3, momentum=0.1, eps=1e-5)
    with torch.no_grad():
        bn.weight.copy_(torch.rand(3) + 0.5)
        bn.bias.copy_(torch.randn(3))
        bn.running_mean.copy_(torch.randn(3) * 0.1)
        bn.running_var.copy_(torch.rand(3) + 0.5)
    before = {"runningMean": bn.running_mean.clone(), "runningVar": bn.running_var.clone()}
    bn.train()
    x = leaf(4, 3, 5, 5, scale=2.0)
    with torch.no_grad():
        x += 1.5  # a non-zero mean, so centring matters
    t = layer_case("bn", bn, x, {}, {"weight": "gamma", "bias": "beta"})
    t["runningMean.before"], t["runningVar.before"] = before["runningMean"], before["runningVar"]
    t["runningMean.after"], t["runningVar.after"] = bn.running_mean, bn.running_var
    write("batchnorm2d", t, {"channels": 3, "momentum": 0.1, "eps": 1e-5})


def linear_case():
    torch.manual_seed(300)
    lin = nn.Linear(7, 4)
    write("linear", layer_case("linear", lin, leaf(5, 7), {}), {"in": 7, "out": 4})


def pool_cases():
    for i, (kind, k, s, p) in enumerate([("max", 2, 2, 0), ("max", 3, 2, 1), ("avg", 2, 2, 0), ("avg", 3, 2, 1)]):
        torch.manual_seed(400 + i)
        pool = nn.MaxPool2d(k, s, p) if kind == "max" else nn.AvgPool2d(k, s, p, count_include_pad=True)
        meta = {"kernel": k, "stride": s, "padding": p}
        write(f"{kind}pool_{i}", layer_case(kind, pool, leaf(2, 3, 7, 7), meta), meta)


def softmax_ce_cases():
    for i, smoothing in enumerate([0.0, 0.1]):
        torch.manual_seed(500 + i)
        logits = leaf(6, 5, scale=3.0)
        labels = torch.randint(0, 5, (6,))
        loss = F.cross_entropy(logits, labels, label_smoothing=smoothing)
        loss.backward()
        write(f"softmax_ce_{i}", {"logits": logits, "labels": labels.float(), "loss": loss, "dlogits": logits.grad},
              {"smoothing": smoothing})


def distillation_cases():
    """Hinton's loss as usually written in PyTorch: (1 - a) CE + a T^2 KL(teacher || student), batchmean; odd class counts."""
    for i, (n, k, temperature, alpha) in enumerate([(6, 7, 4.0, 0.9), (5, 3, 2.0, 0.5)]):
        torch.manual_seed(550 + i)
        logits = leaf(n, k, scale=3.0)
        teacher = torch.randn(n, k) * 4.0
        labels = torch.randint(0, k, (n,))
        soft = F.kl_div(F.log_softmax(logits / temperature, dim=1), F.softmax(teacher / temperature, dim=1), reduction="batchmean")
        loss = (1 - alpha) * F.cross_entropy(logits, labels) + alpha * temperature ** 2 * soft
        loss.backward()
        write(f"distillation_{i}", {"logits": logits, "teacher": teacher, "labels": labels.float(), "loss": loss, "dlogits": logits.grad},
              {"temperature": temperature, "alpha": alpha})


def small_cnn_case():
    """conv-bn-relu-maxpool, conv(stride 2)-bn-relu, global average pool, linear, CE with smoothing; one SGD step."""
    torch.manual_seed(600)
    net = nn.Sequential(nn.Conv2d(1, 4, 3, 1, 1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Conv2d(4, 6, 3, 2, 1, bias=False), nn.BatchNorm2d(6), nn.ReLU(),
                        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(6, 5))
    with torch.no_grad():
        for m in net:
            if isinstance(m, nn.BatchNorm2d):
                m.weight.copy_(torch.rand(m.num_features) + 0.5)
                m.bias.copy_(torch.randn(m.num_features) * 0.1)
    # Lanes' Sequential: 0 conv, 1 bn, 2 relu, 3 maxpool, 4 conv, 5 bn, 6 relu, 7 global pool, 8 linear.
    index = {0: 0, 1: 1, 4: 4, 5: 5, 9: 8}
    bn_names = {"weight": "gamma", "bias": "beta", "running_mean": "runningMean", "running_var": "runningVar"}

    def lanes_name(torch_name):
        i, p = torch_name.split(".")
        if isinstance(net[int(i)], nn.BatchNorm2d):
            p = bn_names[p]
        return f"{index[int(i)]}.{p}"

    params = {lanes_name(n): p.detach().clone() for n, p in net.named_parameters()}
    buffers = {lanes_name(n): b.clone() for n, b in net.named_buffers() if not n.endswith("num_batches_tracked")}
    x = torch.randn(4, 1, 8, 8)
    labels = torch.tensor([0, 3, 1, 4])
    logits = net(x)
    loss = F.cross_entropy(logits, labels, label_smoothing=0.1)
    loss.backward()
    t = {"x": x, "labels": labels.float(), "logits": logits, "loss": loss}
    for n, p in net.named_parameters():
        t["grad." + lanes_name(n)] = p.grad
    for n, b in net.named_buffers():
        if not n.endswith("num_batches_tracked"):
            t["after." + lanes_name(n)] = b
    opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9, nesterov=True, weight_decay=5e-4)
    opt.step()
    for n, p in net.named_parameters():
        t["after." + lanes_name(n)] = p
    write("small_cnn", t, {"smoothing": 0.1, "lr": 0.1, "momentum": 0.9, "nesterov": "true", "weight_decay": 5e-4},
          params=params, buffers=buffers)


def optimizer_cases():
    """Three steps of each optimizer on one [3, 4] parameter with a fresh gradient per step."""
    cases = [
        ("sgd", lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01),
         {"lr": 0.1, "momentum": 0.9, "nesterov": "true", "weight_decay": 0.01}),
        ("adam", lambda p: torch.optim.Adam(p, lr=0.01, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.1),
         {"lr": 0.01, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.1}),
        ("adamw", lambda p: torch.optim.AdamW(p, lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1),
         {"lr": 0.01, "beta1": 0.8, "beta2": 0.99, "eps": 1e-6, "weight_decay": 0.1}),
    ]
    for i, (name, make, meta) in enumerate(cases):
        torch.manual_seed(700 + i)
        w = torch.randn(3, 4, requires_grad=True)
        t = {"w.0": w.detach().clone()}
        opt = make([w])
        for step in range(1, 4):
            w.grad = torch.randn(3, 4)
            t[f"grad.{step}"] = w.grad.clone()
            opt.step()
            t[f"w.{step}"] = w.detach().clone()
        write(f"optim_{name}", t, dict(meta, steps=3))


if __name__ == "__main__":
    torch.set_num_threads(1)
    os.makedirs(OUT, exist_ok=True)
    conv_cases()
    grouped_conv_cases()
    batchnorm_case()
    linear_case()
    pool_cases()
    softmax_ce_cases()
    distillation_cases()
    small_cnn_case()
    optimizer_cases()
