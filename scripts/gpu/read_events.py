#!/usr/bin/env python3
"""Reads a training run's TensorBoard event files with TensorBoard's own EventAccumulator and prints what it found:
the tags per kind and the last value of a few scalars. Fails when a kind the run must have written is missing.

usage: read_events.py RUN_DIR
"""
import sys

from tensorboard.backend.event_processing.event_accumulator import EventAccumulator


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    accumulator = EventAccumulator(sys.argv[1], size_guidance={"images": 0, "scalars": 0, "histograms": 0, "tensors": 0})
    accumulator.Reload()
    tags = accumulator.Tags()
    for kind in ("scalars", "images", "histograms", "tensors"):
        print(f"{kind}: {len(tags.get(kind, []))} tags")
    for tag in ("loss/train", "loss/val", "accuracy/val", "throughput/images_per_second"):
        if tag in tags.get("scalars", []):
            print(f"  {tag} = {accumulator.Scalars(tag)[-1].value:.4g}")
    explained = sorted(t for t in tags.get("images", []) if t.startswith("explain/"))
    print(f"explain figures: {len(explained)}: {', '.join(explained)}")
    missing = [kind for kind in ("scalars", "images", "histograms") if not tags.get(kind)]
    if missing:
        sys.exit(f"no {', '.join(missing)} in {sys.argv[1]}")


if __name__ == "__main__":
    main()
