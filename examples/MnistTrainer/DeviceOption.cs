using TrainExplain.Torch;

namespace MnistTrainer;

/// <summary>Turns --device auto|cpu|cuda[:N] into a device, refusing cuda where there is none.</summary>
internal static class DeviceOption
{
    internal static Device Resolve(string text)
    {
        if (text == "auto")
        {
            return torch.cuda.is_available() ? Device.CUDA : Device.CPU;
        }
        var device = Device.Parse(text);
        if (device.Type == DeviceType.CUDA && !torch.cuda.is_available())
        {
            throw new ArgumentException($"--device {text}: this libtorch has no CUDA or no GPU is visible; use --device cpu or auto.");
        }
        return device;
    }
}
