"""Writes a folder of generated "photos" whose right explanation is known: the object.

    python3 make_shapes.py OUT [--train 1000] [--val 100] [--seed 0] [--workers N]

OUT gets torchvision's ImageFolder layout, OUT/{train,val}/{circle,square,triangle}/NNNN.jpg, and OUT/classes.txt
(the class names, one a line, in the ImageFolder order that `MnistTrainer explain --classes` takes).
`--test K` instead writes K single photos OUT/test_NN_<class>.{jpg,png} (JPEG and PNG in turn) of varied sizes, each
with its object's mask OUT/test_NN_<class>_mask.png (255 on the shape), for heat_on_object.py.

Each picture is 224 to 400 px a side: a smooth four-corner color gradient with grain, zero to two thin lines as
clutter, and one filled shape (the class: circle, square or triangle) of a random color far from the background, a
random size (the area of a circle of radius 16 to 27 % of the shorter side, the same for every class), rotation and
place. The shape lies inside the central square of side the shorter side, so torchvision's Resize(256) +
CenterCrop(224) keeps it whole: a model that classifies these pictures must look at the shape, and Grad-CAM should sit
on it.

Deterministic: each picture draws from its own random.Random seeded by (seed, split, class, index), so the output
depends only on the arguments (and Pillow's drawing and JPEG encoder), not on --workers.
"""
import argparse
import math
import os
import random
from multiprocessing import Pool

from PIL import Image, ImageDraw, ImageFilter

CLASSES = ["circle", "square", "triangle"]
# Circumradius of the square and the equilateral triangle whose area is a unit circle's (pi):
# 2 R^2 = pi and (3 sqrt(3) / 4) R^2 = pi.
CIRCUMRADIUS = {"square": math.sqrt(math.pi / 2), "triangle": math.sqrt(4 * math.pi / (3 * math.sqrt(3)))}


def background(rng, w, h):
    """A smooth gradient between four random corner colors, with grain (10 % of uniform noise)."""
    corners = Image.new("RGB", (2, 2))
    corners.putdata([tuple(rng.randint(0, 255) for _ in range(3)) for _ in range(4)])
    smooth = corners.resize((w, h), Image.BILINEAR)
    grain = Image.frombytes("RGB", (w, h), rng.randbytes(w * h * 3))
    return Image.blend(smooth, grain, 0.1)


def shape_color(rng, img):
    """A random color at least 150 (L1 over R, G, B) from the background's mean, so the shape stands out."""
    mean = img.resize((1, 1), Image.BOX).getpixel((0, 0))
    while True:
        color = tuple(rng.randint(0, 255) for _ in range(3))
        if sum(abs(color[c] - mean[c]) for c in range(3)) >= 150:
            return color


def polygon(cx, cy, radius, corners, angle):
    """The corners of a regular polygon around (cx, cy) with circumradius `radius`, the first at `angle` radians."""
    return [(cx + radius * math.cos(angle + k * 2 * math.pi / corners),
             cy + radius * math.sin(angle + k * 2 * math.pi / corners)) for k in range(corners)]


def picture(kind, key):
    """One picture of class `kind` and its object's mask (mode L: 255 on the shape, 0 elsewhere, before the blur);
    `key` seeds the random draws."""
    rng = random.Random(key)
    short = rng.randint(224, 320)
    long_side = rng.randint(short, min(400, short * 5 // 4))
    w, h = (long_side, short) if rng.random() < 0.5 else (short, long_side)
    img = background(rng, w, h)
    draw = ImageDraw.Draw(img)
    for _ in range(rng.randint(0, 2)):
        line = [(rng.randint(0, w), rng.randint(0, h)) for _ in range(2)]
        draw.line(line, fill=tuple(rng.randint(0, 255) for _ in range(3)), width=rng.randint(2, 4))
    # Every class has the same area (a circle of radius r), so size is no cue; each shape's farthest point is
    # its circumradius, at most the triangle's 1.555 r. Every class gets the triangle's margin, so the place is no cue
    # either, and the shape lies inside the central short x short square (what Resize + CenterCrop keep).
    r = rng.uniform(0.16, 0.27) * short
    reach = r * CIRCUMRADIUS["triangle"] + 4
    x0, y0 = (w - short) / 2, (h - short) / 2
    cx = rng.uniform(x0 + reach, x0 + short - reach)
    cy = rng.uniform(y0 + reach, y0 + short - reach)
    color = shape_color(rng, img)
    angle = rng.uniform(0, 2 * math.pi)
    mask = Image.new("L", (w, h), 0)
    for canvas, fill in ((draw, color), (ImageDraw.Draw(mask), 255)):
        if kind == "circle":
            canvas.ellipse([cx - r, cy - r, cx + r, cy + r], fill=fill)
        else:
            canvas.polygon(polygon(cx, cy, r * CIRCUMRADIUS[kind], 4 if kind == "square" else 3, angle), fill=fill)
    return img.filter(ImageFilter.GaussianBlur(0.6)), mask


def write(job):
    kind, key, path, with_mask = job
    img, mask = picture(kind, key)
    if path.endswith(".png"):
        img.save(path)
    else:
        img.save(path, quality=90)
    if with_mask:
        mask.save(os.path.splitext(path)[0] + "_mask.png")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out")
    parser.add_argument("--train", type=int, default=1000, help="pictures per class in train/ (default 1000)")
    parser.add_argument("--val", type=int, default=100, help="pictures per class in val/ (default 100)")
    parser.add_argument("--test", type=int, default=0, help="write this many single test photos instead")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    jobs = []
    if args.test > 0:
        for i in range(args.test):
            kind = CLASSES[i % len(CLASSES)]
            ext = "jpg" if i % 2 == 0 else "png"
            jobs.append((kind, f"{args.seed}/test/{kind}/{i}", os.path.join(args.out, f"test_{i:02d}_{kind}.{ext}"), True))
    else:
        for split, count in (("train", args.train), ("val", args.val)):
            for kind in CLASSES:
                folder = os.path.join(args.out, split, kind)
                os.makedirs(folder, exist_ok=True)
                jobs += [(kind, f"{args.seed}/{split}/{kind}/{i}", os.path.join(folder, f"{i:04d}.jpg"), False)
                         for i in range(count)]
    with open(os.path.join(args.out, "classes.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(CLASSES) + "\n")
    with Pool(max(1, args.workers)) as pool:
        pool.map(write, jobs, chunksize=16)
    print(f"wrote {len(jobs)} pictures to {args.out}")


if __name__ == "__main__":
    main()
