#!/usr/bin/env bash
# The README's first command: installs what is missing, builds, trains the simple ConvNet for 3 epochs on
# Fashion-MNIST with every explainer watching, and writes TensorBoard logs and PNG grids under runs/.
# Extra arguments go to `MnistTrainer train` (e.g. --epochs 1 --limit-train 2000).
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh
dotnet build examples/MnistTrainer -c Release -nologo -clp:ErrorsOnly
# train never writes into a folder that holds another run; the example's own run is replaced on every call.
rm -rf runs/example
exec examples/MnistTrainer/bin/Release/net10.0/MnistTrainer train --run-name example "$@"
