#!/usr/bin/env python3
"""Compares the <method>.safetensors that `MnistTrainer explain` wrote for the same weights and images on two devices:
per method and tensor, max |b - a| / max |a| (the largest difference relative to the first device's largest magnitude;
exact equality for integer tensors), and whether the method's attributions agree within the tolerance.

usage: compare_explanations.py DIR_A DIR_B [TOLERANCE]   (default 1e-4; DIR_A is the reference, the CPU's)
"""
import os
import sys

from safetensors.torch import load_file


def relative_difference(a, b):
    if not a.is_floating_point():
        return 0.0 if a.equal(b) else float("inf")
    a, b = a.double(), b.double()
    scale = a.abs().max().item()
    largest = (b - a).abs().max().item()
    return largest / scale if scale > 0 else largest


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    first, second = sys.argv[1], sys.argv[2]
    tolerance = float(sys.argv[3]) if len(sys.argv) == 4 else 1e-4
    names = sorted(n[:-len(".safetensors")] for n in os.listdir(first) if n.endswith(".safetensors"))
    missing = [n for n in names if not os.path.exists(os.path.join(second, n + ".safetensors"))]
    if not names or missing:
        sys.exit(f"nothing to compare in {first}" if not names else f"{second} lacks {', '.join(missing)}")
    over = []
    print(f"{'method':<16} {'attributions':>12}  other tensors (max rel. diff)")
    for name in names:
        a = load_file(os.path.join(first, name + ".safetensors"))
        b = load_file(os.path.join(second, name + ".safetensors"))
        if a.keys() != b.keys():
            sys.exit(f"{name}: the tensors differ: {sorted(a)} against {sorted(b)}")
        differences = {key: relative_difference(a[key], b[key]) for key in sorted(a)}
        main_key = "attributions"
        others = ", ".join(f"{k} {v:.2e}" for k, v in differences.items() if k != main_key)
        print(f"{name:<16} {differences[main_key]:>12.2e}  {others}")
        if differences[main_key] > tolerance:
            over.append(name)
    print(f"{len(names)} methods; attributions over {tolerance:g}: {', '.join(over) if over else 'none'}")


if __name__ == "__main__":
    main()
