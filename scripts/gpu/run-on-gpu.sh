#!/usr/bin/env bash
# The GPU machine's side of the CUDA proof (docs/GPU.md), run from the bundle that scripts/gpu/build-bundle.sh makes:
#  1. builds TorchSharp 0.107's native glue (libLibTorchSharp.so) from its source against the machine's PyTorch libtorch
#     and checks that it exports what the NuGet package's glue exports;
#  2. trains the example one epoch on cuda with every explainer callback and reads its TensorBoard event files back;
#  3. explains the held validation batch with every method through `MnistTrainer explain` on cuda and on the CPU and
#     compares the saved tensors; the harness's agreement suite does the same in one process with TF32 off;
#  4. times every explainer on 256 images and the training loop on cuda and on the CPU (the harness), with its leak row.
# usage: OUT=DIR bash run.sh   (prints its log; DIR gets glue-build.txt and results.tar.gz)
# LOCAL_CHECK=1 OUT=DIR LIBTORCH_DIR=... bash run.sh: the rehearsal on a machine without a GPU: the NuGet libtorch-cpu and
# the package's glue, only the CPU steps, small sizes.
set -uo pipefail

bundle=$(cd "$(dirname "$0")" && pwd)
out=${OUT:?set OUT to the folder for the results}
work=${WORK:-/tmp/gpu-proof}
local_check=${LOCAL_CHECK:-0}
methods=(vanilla gradinput smoothgrad smoothgrad_sq vargrad ig gradcam gradcampp layercam scorecam occlusion fullgrad activations
    guidedbackprop guided_gradcam deeplift actmax)   # ExplainerCatalog.Names
failures=()
mark() { echo "=== $(date -u +%H:%M:%S) $*"; }
step() {   # step NAME SECONDS COMMAND...: runs it with a time limit, records a failure
    local name=$1 seconds=$2
    shift 2
    mark "begin $name"
    timeout "$seconds" "$@"
    local code=$?
    if [ "$code" -eq 0 ]; then mark "PASS $name"; else mark "FAIL $name (exit $code)"; failures+=("$name"); fi
    return "$code"
}

mark "start in $bundle, results to $out"
rm -rf "$work" && mkdir -p "$work/results"
tar -C "$work" -xJf "$bundle/app.tar.xz"
app=$work/app
data=$bundle/fashion-mnist

if [ "$local_check" = 1 ]; then
    torch_lib=${LIBTORCH_DIR:?LOCAL_CHECK needs LIBTORCH_DIR, the NuGet libtorch-cpu native folder}
    devices=(cpu)
    train_limit=256 bench_batch=8 bench_quick=--quick
else
    nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap --format=csv
    python3 -c 'import torch; print("PyTorch", torch.__version__, "CUDA", torch.version.cuda, "cuDNN", torch.backends.cudnn.version(), torch.cuda.get_device_name(0))'
    torch_lib=$(python3 -c 'import os, torch; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')
    prefix=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
    devices=(cuda cpu)
    train_limit=2000 bench_batch=256 bench_quick=
    # The pictures' typeface, where fonts-dejavu-core is not installed (else labels fall back to Skia's default).
    font=/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
    if [ ! -f "$font" ] && [ -f "$bundle/DejaVuSans.ttf" ]; then mkdir -p "$(dirname "$font")" && cp "$bundle/DejaVuSans.ttf" "$font"; fi

    # 1. The glue, as TorchSharp's CMakeLists builds it (Release, -Werror), against this PyTorch's TorchConfig.cmake.
    tar -C "$work" -xJf "$bundle/torchsharp-native.tar.xz"
    native=$work/src/Native
    glue_cmake() {
        timeout 120 cmake -S "$native" -B "$work/glue" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix" &&
            timeout 400 ninja -C "$work/glue" -k 0 -j "$(nproc)" LibTorchSharp
    }
    mark "begin glue build (cmake + ninja -j$(nproc))"
    if ! glue_cmake > "$out/glue-build.txt" 2>&1; then
        grep -m 40 -E 'error|CMake Error' "$out/glue-build.txt"
        mark "FAIL glue build (the whole output: glue-build.txt): nothing can load TorchSharp here"
        exit 1
    fi
    built=$work/glue/LibTorchSharp/libLibTorchSharp.so
    mark "PASS glue build with TorchSharp's CMakeLists, unchanged"
    ls -la "$built"
    nm -D --defined-only "$built" | awk '$2 == "T" { print $3 }' | LC_ALL=C sort -u > "$work/results/built-exports.txt"
    missing=$(LC_ALL=C comm -23 "$bundle/nuget-exports.txt" "$work/results/built-exports.txt")
    echo "exports: the package's glue $(wc -l < "$bundle/nuget-exports.txt") functions, the build's $(wc -l < "$work/results/built-exports.txt");" \
        "the package's missing from the build: $(printf '%s' "$missing" | grep -c .) $(printf '%s' "$missing" | head -20 | tr '\n' ' ')"
    # TorchSharp loads LibTorchSharp from the folder of TorchSharp.dll first: the rebuilt glue replaces the package's.
    cp "$built" "$app/libLibTorchSharp.so"
fi
# torch_cpu, torch_cuda and their dependencies: TorchSharp's NativeLibrary.TryLoad falls back to dlopen, which reads this.
export LD_LIBRARY_PATH=$torch_lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export DOTNET_CLI_TELEMETRY_OPTOUT=1

# 2. One epoch on the first device with every explainer callback; its weights are explained below.
first=${devices[0]}
step "train --device $first, all explainers" 240 "$app/MnistTrainer" train --device "$first" --epochs 1 --limit-train "$train_limit" --limit-val 256 \
    --data "$data" --logdir "$work/runs" --run-name "$first" --save "$work/weights.safetensors" --explainers all
ls -la "$work/runs/$first" | head -20
step "TensorBoard reads the event files" 60 python3 "$bundle/read_events.py" "$work/runs/$first"

# 3. Every method through the CLI on each device, the devices' processes side by side.
explain_all() {   # explain_all DEVICE: every method, 6 processes at a time, each with a time limit
    # The CPU's processes share the cores (2 threads each) rather than each taking them all.
    if [ "$1" = cpu ]; then export OMP_NUM_THREADS=2; fi
    printf '%s\n' "${methods[@]}" | xargs -P 6 -I{} sh -c \
        'timeout 120 "$0" explain --device "$1" --weights "$2" --method "$5" --data "$3" --indices 0-15 --out "$4/explain-$1" > "$4/explain-$1-$5.txt" 2>&1 ||
            { echo "explain --device $1 --method $5 failed:"; tail -5 "$4/explain-$1-$5.txt"; exit 1; }' \
        "$app/MnistTrainer" "$1" "$work/weights.safetensors" "$data" "$work/results" {}
}
if [ -f "$work/weights.safetensors" ]; then
    pids=()
    for device in "${devices[@]}"; do
        (mark "begin explain --device $device, ${#methods[@]} methods"; explain_all "$device" && mark "PASS explain --device $device" || { mark "FAIL explain --device $device"; exit 1; }) &
        pids+=($!)
    done
    for pid in "${pids[@]}"; do wait "$pid" || failures+=("explain"); done
    cat "$work/results/explain-${devices[0]}-vanilla.txt"
    step "compare cpu and ${devices[0]} explanations" 60 python3 "$bundle/compare_explanations.py" "$work/results/explain-cpu" "$work/results/explain-${devices[0]}"
fi

bench=$app/TrainExplain.Benchmarks
if [ "$local_check" != 1 ]; then
    step "agreement suite (cpu vs cuda, TF32 off and on)" 120 "$bench" --suite agreement --device cuda --model "$work/weights.safetensors" --data "$data" \
        --json "$work/results/agreement.json"
fi
# 4. The figures: the GPU first, then the CPU of the same machine. WAIT_PID names another job on the machine (a training
# sharing the GPU) that the timed steps wait for, at most 5 minutes, so that their figures are the machine's alone.
if [ -n "${WAIT_PID:-}" ]; then
    mark "waiting for process $WAIT_PID before timing"
    for _ in $(seq 300); do kill -0 "$WAIT_PID" 2>/dev/null || break; sleep 1; done
fi
for device in "${devices[@]}"; do
    step "explainers suite --device $device --batch $bench_batch" 150 "$bench" --suite explainers --device "$device" --batch "$bench_batch" $bench_quick --no-reference \
        --json "$work/results/explainers-$device.json"
done
for device in "${devices[@]}"; do
    step "training suite --device $device" 200 "$bench" --suite training --device "$device" $bench_quick --no-reference --json "$work/results/training-$device.json"
done

cp "$work/runs/$first"/events.* "$work/results/" 2>/dev/null
for method in gradcam ig; do cp "$work/results/explain-$first/$method.png" "$work/results/$method-$first.png" 2>/dev/null; done
tar -C "$work" -czf "$out/results.tar.gz" results
mark "done; failed steps: ${#failures[@]} ${failures[*]}"
[ "${#failures[@]}" -eq 0 ]
