#!/usr/bin/env bash
# Makes a fresh Debian 12 machine ready to build and test TrainExplain. Idempotent: installs only what is missing.
# libtorch itself comes from NuGet (TorchSharp 0.107 with libtorch-cpu-linux-x64 2.10), restored by `dotnet build`.
#   dataset-fashion-mnist the MNIST-format data the example trains on
#   python3-torch         PyTorch 1.13 at /usr/bin/python3: the reference peer of the oracle tests and the benchmarks
#   fonts-dejavu-core     DejaVu Sans, the typeface of the pictures' labels, captions and legends
#   python3-torchvision   torchvision 0.14 for /usr/bin/python3: the reference models of the torchvision-architecture tests, and the ImageNet class names
set -euo pipefail

packages=(dataset-fashion-mnist python3-torch fonts-dejavu-core python3-torchvision)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "setup: installing ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

command -v dotnet >/dev/null || { echo "setup: the .NET 10 SDK is required (dotnet not found on PATH)" >&2; exit 1; }
echo "setup: ready (PyTorch $(dpkg-query -W -f='${Version}' python3-torch) for the reference peer, $(dotnet --version) SDK)"
