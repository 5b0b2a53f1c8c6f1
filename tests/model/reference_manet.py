#!/usr/bin/python3
"""Reference MANet in PyTorch, written from shared/specs/manet.md with mmaction2's module names
(ResNet-TSM with squeeze-and-excitation before each temporal shift, MANetHead).

Writes into OUT: checkpoint.pth in the official mmaction2 layout (meta with numpy scalars, state_dict,
optimizer), a fixed input, label embeddings, and the reference outputs the C++ tests compare with:
eval-mode logits and embeddings, then one training step's loss (CE + 50 x MSE) and raw gradients.
Also a benchmark mode (--bench) timing eager inference.

usage: reference_manet.py OUT --depth 18 [--size 64] [--clips 2] [--seed 0]
       reference_manet.py --bench --depth 50 --batch 1 --iters 3 [--input FILE --output FILE] [--device cuda]
                          [--frame-size 224] [--train [--amp]] [--cudnn-benchmark]
       (--train times training steps: SGD as published, CE + 50 x MSE, mixed precision with --amp: torch.autocast
       float16 + GradScaler, as mmaction2's fp16 configs do)
"""
import argparse
import collections
import json
import os
import sys
import time

import numpy
import torch
import torch.nn as nn
import torch.nn.functional as F


def temporal_shift(x, segments, shift_div=8):
    nt, c, h, w = x.shape
    n = nt // segments
    x = x.view(n, segments, c, h * w)
    fold = c // shift_div
    left, mid, right = x[:, :, :fold], x[:, :, fold:2 * fold], x[:, :, 2 * fold:]
    zeros = left - left
    left = torch.cat((left[:, 1:], zeros[:, :1]), 1)      # frame t takes t+1, last gets zeros
    zeros = mid - mid
    mid = torch.cat((zeros[:, :1], mid[:, :-1]), 1)       # frame t takes t-1, first gets zeros
    return torch.cat((left, mid, right), 2).view(nt, c, h, w)


class TemporalShiftSE(nn.Module):
    def __init__(self, net, segments):
        super().__init__()
        c = net.in_channels
        self.net = net
        self.segments = segments
        self.fcce = nn.Sequential(nn.Linear(c, c // 4, bias=False), nn.ReLU(inplace=True),
                                  nn.Linear(c // 4, c, bias=False), nn.Sigmoid())
        # unused by forward, present in every checkpoint
        self.action_p2_squeeze = nn.Conv2d(c, c // 4, 1, bias=False)
        self.action_p2_conv1 = nn.Conv1d(c // 4, c // 4, 3, padding=1, bias=False)
        self.action_p2_expand = nn.Conv2d(c // 4, c, 1, bias=False)

    def forward(self, x):
        y = self.fcce(x.mean((2, 3)))
        x = x * y[:, :, None, None]
        return self.net(temporal_shift(x, self.segments))


class ConvModule(nn.Module):
    def __init__(self, cin, cout, k, stride, pad, relu, shift=False, segments=8):
        super().__init__()
        conv = nn.Conv2d(cin, cout, k, stride, pad, bias=False)
        self.conv = TemporalShiftSE(conv, segments) if shift else conv
        self.bn = nn.BatchNorm2d(cout)
        self.relu = relu

    def forward(self, x):
        x = self.bn(self.conv(x))
        return F.relu(x) if self.relu else x


class Block(nn.Module):
    def __init__(self, bottleneck, cin, planes, stride, downsample, segments):
        super().__init__()
        if bottleneck:
            self.conv1 = ConvModule(cin, planes, 1, 1, 0, True, True, segments)
            self.conv2 = ConvModule(planes, planes, 3, stride, 1, True)
            self.conv3 = ConvModule(planes, planes * 4, 1, 1, 0, False)
            out = planes * 4
        else:
            self.conv1 = ConvModule(cin, planes, 3, stride, 1, True, True, segments)
            self.conv2 = ConvModule(planes, planes, 3, 1, 1, False)
            self.conv3 = None
            out = planes
        self.downsample = ConvModule(cin, out, 1, stride, 0, False) if downsample else None

    def forward(self, x):
        out = self.conv2(self.conv1(x))
        if self.conv3 is not None:
            out = self.conv3(out)
        identity = self.downsample(x) if self.downsample is not None else x
        return F.relu(out + identity)


class ResNetTSM(nn.Module):
    def __init__(self, depth, segments):
        super().__init__()
        bottleneck = depth >= 50
        blocks = {18: (2, 2, 2, 2), 34: (3, 4, 6, 3), 50: (3, 4, 6, 3)}[depth]
        exp = 4 if bottleneck else 1
        self.conv1 = ConvModule(3, 64, 7, 2, 3, True)
        cin = 64
        for i, n in enumerate(blocks):
            planes = 64 * 2 ** i
            layer = []
            for b in range(n):
                stride = 2 if (b == 0 and i > 0) else 1
                ds = b == 0 and (stride != 1 or cin != planes * exp)
                layer.append(Block(bottleneck, cin, planes, stride, ds, segments))
                cin = planes * exp
            setattr(self, 'layer%d' % (i + 1), nn.Sequential(*layer))
        self.feat_dim = cin

    def forward(self, x):
        x = F.max_pool2d(self.conv1(x), 3, 2, 1)
        for i in range(4):
            x = getattr(self, 'layer%d' % (i + 1))(x)
        return x


class MANetHead(nn.Module):
    def __init__(self, feat, classes, emb, dropout):
        super().__init__()
        self.dropout = nn.Dropout(dropout)
        self.fc_cls = nn.Linear(feat, classes)
        self.fc_emb = nn.Linear(feat, emb)
        self.fc_emb_t = nn.Linear(emb, emb)

    def forward(self, x, segments):
        x = self.dropout(x.mean((2, 3)))
        n = x.shape[0] // segments
        cls = self.fc_cls(x).view(n, segments, -1).mean(1)
        emb = self.fc_emb_t(torch.tanh(self.fc_emb(x))).view(n, segments, -1).mean(1)
        return cls, emb


class MANet(nn.Module):
    def __init__(self, depth=50, classes=52, emb=300, segments=8, dropout=0.5):
        super().__init__()
        self.segments = segments
        self.backbone = ResNetTSM(depth, segments)
        self.cls_head = MANetHead(self.backbone.feat_dim, classes, emb, dropout)

    def forward(self, x):
        return self.cls_head(self.backbone(x), self.segments)


def randomize(model, seed):
    """Random weights and BN statistics, so parity checks exercise every parameter and buffer."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, t in model.state_dict().items():
            if name.endswith('num_batches_tracked'):
                t.fill_(3)
            elif name.endswith('running_var'):
                t.copy_(torch.rand(t.shape, generator=g) * 0.5 + 0.75)
            elif name.endswith('running_mean'):
                t.copy_(torch.randn(t.shape, generator=g) * 0.1)
            elif '.bn.weight' in name:
                t.copy_(torch.rand(t.shape, generator=g) * 0.5 + 0.75)
            elif t.dim() >= 2:
                fan_in = t[0].numel()
                t.copy_(torch.randn(t.shape, generator=g) * (2.0 / fan_in) ** 0.5)
            else:
                t.copy_(torch.randn(t.shape, generator=g) * 0.05)


GRAD_NAMES = ['backbone.conv1.conv.weight', 'backbone.layer1.0.conv1.conv.net.weight',
              'backbone.layer1.0.conv1.conv.fcce.0.weight', 'backbone.layer4.1.conv2.bn.weight',
              'cls_head.fc_cls.weight', 'cls_head.fc_emb_t.bias']


def main():
    p = argparse.ArgumentParser()
    p.add_argument('out', nargs='?')
    p.add_argument('--depth', type=int, default=18)
    p.add_argument('--size', type=int, default=64)
    p.add_argument('--clips', type=int, default=2)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--bench', action='store_true')
    p.add_argument('--batch', type=int, default=1)
    p.add_argument('--iters', type=int, default=3)
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--checkpoint')
    p.add_argument('--input')
    p.add_argument('--output')
    p.add_argument('--device', default='cpu')
    p.add_argument('--frame-size', type=int, default=224)
    p.add_argument('--train', action='store_true')
    p.add_argument('--amp', action='store_true')
    p.add_argument('--cudnn-benchmark', action='store_true')
    a = p.parse_args()
    if a.bench:
        return bench(a)
    torch.manual_seed(a.seed)
    torch.set_num_threads(2)
    os.makedirs(a.out, exist_ok=True)
    model = MANet(a.depth, dropout=0.0)
    randomize(model, a.seed)
    sd = model.state_dict()
    meta = {'mmaction_version': '0.24.1', 'epoch': 40, 'iter': 45000, 'config': 'model = dict(type="Recognizer2D")',
            'best_score': numpy.float64(0.5), 'best_epoch': numpy.int64(40), 'time': 'Thu Jan 1 00:00:00 2024',
            'hook_msgs': {'last_ckpt': '/tmp/x.pth', 'best_score': numpy.float64(0.6133)}}
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    torch.save({'meta': meta, 'state_dict': sd, 'optimizer': optimizer.state_dict()},
               os.path.join(a.out, 'checkpoint.pth'))

    # The same backbone under torchvision's ImageNet names (ImageNet-init loading); no SE layers there.
    tv = {}
    for k, v in sd.items():
        if not k.startswith('backbone.') or '.conv.fcce.' in k or '.action_p2_' in k:
            continue
        k = k[len('backbone.'):]
        k = k.replace('conv1.conv.net.weight', 'conv1.weight').replace('downsample.conv.', 'downsample.0.')
        k = k.replace('downsample.bn.', 'downsample.1.')
        if k.startswith('conv1.conv.'):
            k = 'conv1.' + k[len('conv1.conv.'):]
        elif k.startswith('conv1.bn.'):
            k = 'bn1.' + k[len('conv1.bn.'):]
        else:
            for i in '123':
                k = k.replace('.conv%s.conv.' % i, '.conv%s.' % i).replace('.conv%s.bn.' % i, '.bn%s.' % i)
        tv[k] = v
    tv['fc.weight'] = torch.zeros(1000, model.backbone.feat_dim)
    tv['fc.bias'] = torch.zeros(1000)
    torch.save(tv, os.path.join(a.out, 'torchvision.pth'))
    # A tiny checkpoint in the official layout (views sharing storages, int64, numpy scalars): fuzz seed.
    base = torch.arange(24, dtype=torch.float32)
    tiny = collections.OrderedDict([('a.weight', base.view(2, 3, 4)), ('a.view', base[4:10].view(2, 3)),
                                    ('a.t', base.view(4, 6).t()), ('b.count', torch.tensor(7)),
                                    ('b.half', torch.ones(3, dtype=torch.float16))])
    torch.save({'meta': {'best': numpy.float64(0.25), 'n': numpy.int64(3), 'l': [1, 2.5, None, True], 't': (1, 'x')},
                'state_dict': tiny, 'optimizer': {'state': {}, 'param_groups': [{'lr': 0.01, 'params': [0, 1]}]}},
               os.path.join(a.out, 'tiny.pth'))

    g = torch.Generator().manual_seed(a.seed + 1)
    frames = a.clips * 8
    x = torch.randn(frames, 3, a.size, a.size, generator=g)
    labels = torch.tensor([(7 * i + 3) % 52 for i in range(a.clips)])
    label_emb = (torch.rand(52, 300, generator=g) - 0.5)
    x.numpy().tofile(os.path.join(a.out, 'input.bin'))
    numpy.save(os.path.join(a.out, 'label_embeddings.npy'), label_emb.numpy())

    model.eval()
    with torch.no_grad():
        logits, emb = model(x)
    logits.numpy().tofile(os.path.join(a.out, 'logits.bin'))
    emb.numpy().tofile(os.path.join(a.out, 'embeddings.bin'))

    model.train()
    logits_t, emb_t = model(x)
    cls_loss = F.cross_entropy(logits_t, labels)
    emb_loss = F.mse_loss(emb_t, label_emb[labels])
    loss = cls_loss + 50 * emb_loss
    loss.backward()
    params = dict(model.named_parameters())
    grads = {}
    for name in GRAD_NAMES:
        if name in params:
            params[name].grad.numpy().tofile(os.path.join(a.out, 'grad_' + name + '.bin'))
            grads[name] = list(params[name].shape)
    norm = torch.norm(torch.stack([q.grad.norm() for q in model.parameters() if q.grad is not None])).item()
    with open(os.path.join(a.out, 'reference.json'), 'w') as f:
        json.dump({'depth': a.depth, 'size': a.size, 'clips': a.clips, 'labels': labels.tolist(),
                   'entries': len(sd), 'values': sum(t.numel() for t in sd.values()),
                   'loss': loss.item(), 'cls_loss': cls_loss.item(), 'emb_loss': emb_loss.item(),
                   'grad_norm': norm, 'grads': grads}, f, indent=1)


def bench(a):
    """Eager PyTorch speed on the same input as the C++ benchmarks: inference, or training steps (--train)."""
    torch.set_num_threads(a.threads)
    torch.backends.cudnn.benchmark = a.cudnn_benchmark
    device = torch.device(a.device)
    model = MANet(a.depth)
    if a.checkpoint:
        # weights_only=False: PyTorch 2.6+ would refuse the meta record of official checkpoints otherwise
        model.load_state_dict(torch.load(a.checkpoint, map_location='cpu', weights_only=False)['state_dict'])
    model.to(device)
    n = a.batch * 8
    size = a.frame_size
    if a.input:
        x = torch.from_numpy(numpy.fromfile(a.input, dtype=numpy.float32).reshape(n, 3, size, size))
    else:
        x = torch.randn(n, 3, size, size)

    def sync():
        if device.type == 'cuda':
            torch.cuda.synchronize()

    if a.train:
        return bench_train(a, model, x.to(device), device, sync)
    model.eval()
    with torch.no_grad():
        logits, _ = model(x.to(device))  # warm-up
        sync()
        t0 = time.perf_counter()
        for _ in range(a.iters):
            logits, _ = model(x.to(device))  # the host-to-device copy counts, as it does in the app
        logits = logits.cpu()
        dt = time.perf_counter() - t0
    if a.output:
        logits.numpy().tofile(a.output)
    print(json.dumps({'depth': a.depth, 'batch': a.batch, 'device': a.device, 'device_name': device_name(device),
                      'clips_per_s': a.batch * a.iters / dt}))


def device_name(device):
    return torch.cuda.get_device_name(device) if device.type == 'cuda' else 'cpu'


def bench_train(a, model, x, device, sync):
    model.train()
    g = torch.Generator().manual_seed(1)
    labels = torch.tensor([(7 * i + 3) % 52 for i in range(a.batch)], device=device)
    label_emb = ((torch.rand(52, 300, generator=g) - 0.5)).to(device)
    head = [p for n, p in model.named_parameters() if n.startswith('cls_head.')]
    rest = [p for n, p in model.named_parameters() if not n.startswith('cls_head.')]
    optimizer = torch.optim.SGD([{'params': rest}, {'params': head, 'lr': 0.00125 * 5}], lr=0.00125, momentum=0.9,
                                weight_decay=1e-4)
    amp = a.amp and device.type == 'cuda'  # as in the app: mixed precision is a CUDA path
    scaler = (torch.amp.GradScaler(device.type, enabled=amp) if hasattr(torch.amp, 'GradScaler')
              else torch.cuda.amp.GradScaler(enabled=amp))

    def step():
        optimizer.zero_grad(set_to_none=True)
        if amp:
            with torch.autocast(device.type, dtype=torch.float16):
                logits, emb = model(x)
        else:
            logits, emb = model(x)
        loss = F.cross_entropy(logits.float(), labels) + 50 * F.mse_loss(emb.float(), label_emb[labels])
        scaler.scale(loss).backward()
        scaler.unscale_(optimizer)
        torch.nn.utils.clip_grad_norm_(model.parameters(), 20.0)
        scaler.step(optimizer)
        scaler.update()
        return loss

    step()  # warm-up
    sync()
    t0 = time.perf_counter()
    for _ in range(a.iters):
        loss = step()
    loss.item()
    sync()
    dt = time.perf_counter() - t0
    print(json.dumps({'depth': a.depth, 'batch': a.batch, 'device': a.device, 'amp': amp,
                      'steps_per_s': a.iters / dt, 'clips_per_s': a.batch * a.iters / dt}))


if __name__ == '__main__':
    sys.exit(main())
