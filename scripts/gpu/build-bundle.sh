#!/usr/bin/env bash
# Builds, on a machine with the .NET 10 SDK, everything the GPU proof (scripts/gpu/run-on-gpu.sh, docs/GPU.md) needs on
# a GPU machine that has PyTorch (CUDA) but no .NET, no NuGet and no network, into one folder to copy there:
#   app.tar.xz             self-contained linux-x64 publish of MnistTrainer and the benchmark harness, without the
#                          libtorch-cpu-linux-x64 libraries (the GPU machine's PyTorch brings libtorch)
#   torchsharp-native.tar.xz  TorchSharp's native glue source (src/Native) at the commit of the 0.107.0 package, to be
#                          built there against that PyTorch's libtorch
#   nuget-exports.txt      the functions the NuGet package's libLibTorchSharp.so exports, to check the rebuilt glue against
#   fashion-mnist/         the first 2,000 training and 256 test images of Fashion-MNIST (MNIST-format, gzipped)
#   DejaVuSans.ttf         the pictures' typeface (LabelFont), where the GPU machine lacks fonts-dejavu-core
#   run.sh, compare_explanations.py, read_events.py   the GPU machine's side
# usage: scripts/gpu/build-bundle.sh TORCHSHARP_GIT_DIR [OUT_DIR]   (OUT_DIR defaults to .carry/gpu, git-ignored)
# TORCHSHARP_GIT_DIR is a clone (bare or not) of github.com/dotnet/TorchSharp holding TORCHSHARP_COMMIT.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
torchsharp_git=${1:?usage: build-bundle.sh TORCHSHARP_GIT_DIR [OUT_DIR]}
out=${2:-$repo/.carry/gpu}
# "Update release notes (#1565)", 2026-05-07: the 0.107.0 release, the day the package's libLibTorchSharp.so was built
# (the repository has no v0.107.0 tag); its exports are checked against the package's on the GPU machine.
torchsharp_commit=${TORCHSHARP_COMMIT:-c20b6a1c}
nuget=${NUGET_PACKAGES:-$HOME/.nuget/packages}
libtorch_cpu=$nuget/libtorch-cpu-linux-x64/2.10.0/runtimes/linux-x64/native
glue=$nuget/torchsharp/0.107.0/runtimes/linux-x64/native/libLibTorchSharp.so
data=${MNIST_SOURCE:-/usr/share/datasets/fashion-mnist}
font=/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$out"

echo "bundle: publishing MnistTrainer and the benchmark harness (self-contained, linux-x64)"
for project in examples/MnistTrainer/MnistTrainer.csproj benchmarks/TrainExplain.Benchmarks/TrainExplain.Benchmarks.csproj; do
    dotnet publish "$repo/$project" -c Release -r linux-x64 --self-contained -o "$stage/app" -nologo -clp:ErrorsOnly
done
# libtorch-cpu's libraries (about 500 MB) stay behind: the GPU machine loads its PyTorch's through LD_LIBRARY_PATH.
# TorchSharp's own glue stays: it is what runs the local check, and the GPU machine replaces it with its build.
removed=0
for library in "$libtorch_cpu"/*; do
    if [ -e "$stage/app/$(basename "$library")" ]; then
        rm "$stage/app/$(basename "$library")"
        removed=$((removed + 1))
    fi
done
echo "bundle: left out $removed libtorch-cpu libraries"
rm -f "$stage/app/"*.pdb "$stage/app/"*.xml
tar -C "$stage" -cf - app | xz -T0 -6 > "$out/app.tar.xz"

echo "bundle: TorchSharp's src/Native at $torchsharp_commit"
git --git-dir="$(git -C "$torchsharp_git" rev-parse --absolute-git-dir)" archive --format=tar "$torchsharp_commit" src/Native | xz -T0 -6 > "$out/torchsharp-native.tar.xz"
nm -D --defined-only "$glue" | awk '$2 == "T" { print $3 }' | LC_ALL=C sort -u > "$out/nuget-exports.txt"

python3 "$repo/scripts/gpu/fashion_subset.py" "$data" "$out/fashion-mnist" 2000 256
if [ -f "$font" ]; then
    cp "$font" "$out/"
fi
cp "$repo/scripts/gpu/run-on-gpu.sh" "$out/run.sh"
cp "$repo/scripts/gpu/compare_explanations.py" "$repo/scripts/gpu/read_events.py" "$out/"
du -sh "$out"/*
echo "bundle: ready in $out"
