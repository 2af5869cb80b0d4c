namespace TrainExplain;

/// <summary>Where a model lives: the device of its first parameter or buffer (the CPU for a model with neither).</summary>
internal static class ModelDevice
{
    internal static Device Of(nn.Module model) =>
        model.parameters().Select(p => p.device).Concat(model.buffers().Select(b => b.device)).FirstOrDefault() ?? torch.CPU;
}
