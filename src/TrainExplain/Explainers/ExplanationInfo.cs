namespace TrainExplain.Explainers;

/// <summary>What an explanation says about the call that made it.</summary>
/// <param name="Method">The explainer's display name, e.g. <c>GradCam</c> or <c>GradCam[conv1]</c>.</param>
/// <param name="Passes">Forward+backward passes per image (forward-only passes for occlusion), the method's cost model.</param>
/// <param name="Parameters">The method's parameters as text, saved as safetensors metadata.</param>
/// <param name="Elapsed">Wall-clock time of the call, including the copy to the host and, in a set, its share of a shared pass.</param>
public sealed record ExplanationInfo(string Method, int Passes, IReadOnlyDictionary<string, string> Parameters, TimeSpan Elapsed);
