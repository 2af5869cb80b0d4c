#!/usr/bin/env python3
"""Writes the first TRAIN training and TEST test images of an MNIST-format folder as a new MNIST-format folder (gzipped
IDX, as Debian's dataset-fashion-mnist ships): a few MB that travel to the GPU machine, which has no copy of the data.

usage: fashion_subset.py SOURCE_DIR TARGET_DIR [TRAIN [TEST]]   (defaults 2000 and 256)
"""
import gzip
import os
import struct
import sys


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = struct.unpack(f">{dims}I", data[4:4 + 4 * dims])
    return data[:4], shape, data[4 + 4 * dims:]


def write_first(source, target, count):
    magic, shape, body = read_idx(source)
    if count > shape[0]:
        sys.exit(f"{source} holds {shape[0]} items, fewer than the {count} asked for")
    item = len(body) // shape[0]
    with gzip.open(target, "wb") as f:
        f.write(magic + struct.pack(f">{len(shape)}I", count, *shape[1:]) + body[:count * item])


def main():
    if len(sys.argv) not in (3, 4, 5):
        sys.exit(__doc__)
    source, target = sys.argv[1], sys.argv[2]
    train = int(sys.argv[3]) if len(sys.argv) > 3 else 2000
    test = int(sys.argv[4]) if len(sys.argv) > 4 else 256
    os.makedirs(target, exist_ok=True)
    for split, count in (("train", train), ("t10k", test)):
        for kind in ("images-idx3", "labels-idx1"):
            name = f"{split}-{kind}-ubyte"
            found = [n for n in (name, name + ".gz") if os.path.exists(os.path.join(source, n))]
            if not found:
                sys.exit(f"{source} has no {name} (nor {name}.gz)")
            write_first(os.path.join(source, found[0]), os.path.join(target, name + ".gz"), count)
    print(f"{target}: {train} training and {test} test images")


if __name__ == "__main__":
    main()
