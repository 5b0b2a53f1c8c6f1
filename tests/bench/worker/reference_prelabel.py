#!/usr/bin/python3
"""The official MA-52 test pipeline in PyTorch eager + OpenCV, as a whole process, for bench_prelabel.

Per video (mmaction2's test pipeline for MANet): 8 segments sampled TSN-style (avg = N/8, index
floor(avg*i + avg/2)); frames decoded with OpenCV in one forward pass (grab() every frame up to the last
sample, retrieve() only the samples), BGR -> RGB, short side -> 256 (int(x*f + 0.5)) with
INTER_LINEAR, centre crop 224, (x - mean) / std, NCHW; the 8 frames are one clip through MANet; softmax.
Prints one JSON object per video: {"video", "top": [[class, score], ...]}; then the timing to stderr.

usage: reference_prelabel.py --checkpoint FILE [--depth 50] [--threads N] [--batch N] VIDEO...
"""
import argparse
import json
import os
import sys
import time

import cv2
import numpy
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'model'))
from reference_manet import MANet  # noqa: E402

MEAN = numpy.array([123.675, 116.28, 103.53], dtype=numpy.float32)
STD = numpy.array([58.395, 57.12, 57.375], dtype=numpy.float32)


def sample_indices(n, segments):
    avg = n / segments
    return [int(avg * i + avg / 2.0) % n for i in range(segments)]


def clip_tensor(path, segments=8, short=256, crop=224):
    cap = cv2.VideoCapture(path)
    if not cap.isOpened():
        raise RuntimeError(path + ': cannot be opened')
    n = int(cap.get(cv2.CAP_PROP_FRAME_COUNT))
    wanted = sample_indices(n, segments)
    frames = {}
    for i in range(max(wanted) + 1):
        if not cap.grab():
            raise RuntimeError('%s: frame %d cannot be decoded' % (path, i))
        if i in wanted:
            ok, bgr = cap.retrieve()
            if not ok:
                raise RuntimeError('%s: frame %d cannot be decoded' % (path, i))
            frames[i] = bgr
    cap.release()
    out = []
    for i in wanted:
        rgb = cv2.cvtColor(frames[i], cv2.COLOR_BGR2RGB)
        h, w = rgb.shape[:2]
        f = short / min(w, h)
        rw, rh = int(w * f + 0.5), int(h * f + 0.5)
        rgb = cv2.resize(rgb, (rw, rh), interpolation=cv2.INTER_LINEAR)
        left, top = (rw - crop) // 2, (rh - crop) // 2
        rgb = rgb[top:top + crop, left:left + crop].astype(numpy.float32)
        out.append(((rgb - MEAN) / STD).transpose(2, 0, 1))
    return torch.from_numpy(numpy.stack(out))


def main():
    p = argparse.ArgumentParser()
    p.add_argument('videos', nargs='+')
    p.add_argument('--checkpoint', required=True)
    p.add_argument('--depth', type=int, default=50)
    p.add_argument('--threads', type=int, default=0)
    p.add_argument('--batch', type=int, default=1)
    p.add_argument('--top', type=int, default=5)
    a = p.parse_args()
    torch.set_num_threads(a.threads or os.cpu_count())
    model = MANet(a.depth)
    model.load_state_dict(torch.load(a.checkpoint, map_location='cpu')['state_dict'])
    model.eval()
    t0 = time.perf_counter()
    decode = 0.0
    with torch.no_grad():
        for start in range(0, len(a.videos), a.batch):
            names = a.videos[start:start + a.batch]
            d0 = time.perf_counter()
            x = torch.cat([clip_tensor(v) for v in names])
            decode += time.perf_counter() - d0
            logits, _ = model(x)
            probs = torch.softmax(logits, 1)
            for v, row in zip(names, probs):
                score, cls = row.topk(a.top)
                print(json.dumps({'video': v, 'top': [[int(c), float(s)] for c, s in zip(cls, score)]}))
    total = time.perf_counter() - t0
    print(json.dumps({'videos': len(a.videos), 'seconds': total, 'decode_seconds': decode}), file=sys.stderr)


if __name__ == '__main__':
    sys.exit(main())
