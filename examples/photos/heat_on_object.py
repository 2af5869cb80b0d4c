"""How much of each explanation's heat lies on the object, for make_shapes.py's test photos (their masks known).

    /usr/bin/python3 heat_on_object.py EXPLAIN_OUT_DIR photos/test_00_circle.jpg photos/test_01_square.png ...

For every <method>.safetensors in EXPLAIN_OUT_DIR (written by `MnistTrainer explain --images` with these photos, in
this order) it prints, per photo, whether the hottest pixel of the saliency map (`saliency`: the map before the figure's
normalization, which for the gradient methods clamps many pixels at 1, so its maximum would be a tie) lies on the
shape (the pointing game, Zhang et al. 2016, "Top-down neural attention by excitation backprop") and the share of the
heat that falls on it (the energy-based pointing game of Score-CAM, Wang et al. 2020, with the object's mask for its
box), next to the share of the 224x224 input the shape covers: a map that ignores the object would put about the
area's share there. The mask (test_NN_<class>_mask.png, beside the photo) goes through the CLI's Resize(256) and
CenterCrop(224), thresholded at half. Last, per method, the hits and the mean shares over all photos.
"""
import os
import sys

import torch
from PIL import Image
from torchvision import transforms

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "benchmarks", "reference"))
import pytorch_reference as ref  # noqa: E402  (the repository's safetensors reader)


def main():
    out_dir, photos = sys.argv[1], sys.argv[2:]
    cut = transforms.Compose([transforms.Resize(256), transforms.CenterCrop(224), transforms.PILToTensor()])
    masks = torch.stack([cut(Image.open(os.path.splitext(p)[0] + "_mask.png"))[0] >= 128 for p in photos]).float()
    area = masks.mean(dim=(1, 2))
    names = sorted(f[:-len(".safetensors")] for f in os.listdir(out_dir) if f.endswith(".safetensors"))
    for method in names:
        heat = ref.load_safetensors(os.path.join(out_dir, f"{method}.safetensors"))["saliency"]
        if heat.shape != masks.shape:
            sys.exit(f"{method}.safetensors: saliency {list(heat.shape)}, expected {list(masks.shape)} (one per photo)")
        on_object = (heat * masks).sum(dim=(1, 2)) / heat.sum(dim=(1, 2)).clamp_min(1e-30)
        hottest = masks.flatten(1).gather(1, heat.flatten(1).argmax(1, keepdim=True))[:, 0] > 0
        print(f"{method}: " + ", ".join(
            f"{os.path.basename(p)} hottest {'on' if h else 'off'} the object, heat on it {s:.0%} (area {a:.0%})"
            for p, h, s, a in zip(photos, hottest.tolist(), on_object.tolist(), area.tolist())))
        print(f"{method}: hottest pixel on the object in {int(hottest.sum())} of {len(photos)} photos; "
              f"mean heat on it {on_object.mean():.0%}, mean area {area.mean():.0%}")


if __name__ == "__main__":
    main()
