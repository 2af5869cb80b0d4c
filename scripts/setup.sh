#!/usr/bin/env bash
# Makes a fresh Debian 12 machine ready to build and test TrainExplain. Idempotent: installs only what is missing.
#   libtorch-dev          the CPU libtorch the native shim links against (oneDNN, AVX2)
#   cmake, g++            build the native shim
#   dataset-fashion-mnist the MNIST-format data the example trains on
#   python3-torch         the same libtorch seen from Python: the reference peer of the benchmarks
set -euo pipefail

packages=(libtorch-dev cmake g++ dataset-fashion-mnist python3-torch)
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
echo "setup: ready (libtorch $(dpkg-query -W -f='${Version}' libtorch-dev), $(dotnet --version) SDK)"
