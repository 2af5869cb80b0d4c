"""Checks `MnistTrainer explain --images` on the shapes ResNet-18 against PyTorch on the same photos.

    /usr/bin/python3 compare_with_pytorch.py WEIGHTS.pt EXPLAIN_OUT_DIR a.jpg b.png ...

For every <method>.safetensors in EXPLAIN_OUT_DIR (vanilla, gradinput, ig, gradcam, gradcampp, layercam: run with
their default parameters), it preprocesses the photos with torchvision (Resize(256), CenterCrop(224), ToTensor,
Normalize(ImageNet's mean and std): the CLI's default for a 3x224x224 model), loads WEIGHTS.pt into
torchvision.models.resnet18(num_classes=3), runs the method as benchmarks/reference/pytorch_reference.py writes it out
(PyTorch's own autograd) on the CLI's targets, and prints the largest differences of the inputs, the scores, the layer
map (CAM methods) and the attributions, each relative to the largest PyTorch value but the inputs (absolute).
Exit status 1 when one exceeds its tolerance: inputs 1e-6, the rest 1e-4 (float32 through 18 layers).
"""
import os
import sys

import torch
import torchvision
from PIL import Image
from torchvision import transforms

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "benchmarks", "reference"))
import pytorch_reference as ref  # noqa: E402  (the repository's PyTorch oracle, not an installed module)
from train_resnet18 import MEAN, STD  # noqa: E402  (ImageNet's, as the training and the CLI use)

METHODS = {"vanilla": ref.vanilla, "gradinput": ref.gradinput, "ig": ref.integrated_gradients,
           "gradcam": lambda m, x, t: ref.gradcam(m, x, t, layer="layer4"),
           "gradcampp": lambda m, x, t: ref.gradcampp(m, x, t, layer="layer4"),
           "layercam": lambda m, x, t: ref.layercam(m, x, t, layer="layer4")}


def relative(ours, theirs):
    return ((ours - theirs).abs().max() / theirs.abs().max().clamp_min(1e-30)).item()


def main():
    weights, out_dir, photos = sys.argv[1], sys.argv[2], sys.argv[3:]
    preprocess = transforms.Compose([transforms.Resize(256), transforms.CenterCrop(224), transforms.ToTensor(),
                                     transforms.Normalize(MEAN, STD)])
    x = torch.stack([preprocess(Image.open(p).convert("RGB")) for p in photos])
    model = torchvision.models.resnet18(num_classes=3)
    model.load_state_dict(torch.load(weights, map_location="cpu"))
    model.eval()
    failed, compared = False, 0
    for method, run in METHODS.items():
        path = os.path.join(out_dir, f"{method}.safetensors")
        if not os.path.exists(path):
            continue
        ours = ref.load_safetensors(path)
        theirs = run(model, x, ours["targets"])
        diffs = {"inputs": ((ours["inputs"] - x).abs().max().item(), 1e-6),
                 "scores": (relative(ours["scores"], theirs["scores"]), 1e-4),
                 "attributions": (relative(ours["attributions"], theirs["attributions"]), 1e-4)}
        if "cam" in theirs:
            diffs["layer_map"] = (relative(ours["layer_map"], theirs["cam"]), 1e-4)
        print(f"{method}: targets {ours['targets'].tolist()}, "
              + ", ".join(f"{k} {v:.2g}" + (" OVER " + f"{tol:g}" if v > tol else "") for k, (v, tol) in diffs.items()))
        failed |= any(v > tol for v, tol in diffs.values())
        compared += 1
    if compared == 0:
        print(f"no <method>.safetensors of {sorted(METHODS)} in {out_dir}")
    sys.exit(1 if failed or compared == 0 else 0)


if __name__ == "__main__":
    main()
