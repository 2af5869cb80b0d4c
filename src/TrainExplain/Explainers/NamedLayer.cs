namespace TrainExplain.Explainers;

/// <summary>A layer of the explained model and its dotted <c>named_modules()</c> name, as error messages and parameters show it.</summary>
/// <param name="Name">The dotted name, e.g. <c>features.conv2</c>.</param>
/// <param name="Module">The layer; its output is captured with a forward hook, so it must be run through <c>.call()</c>.</param>
public readonly record struct NamedLayer(string Name, nn.Module<Tensor, Tensor> Module);
