using System.Text.Json;
using TrainExplain.Torch.Tests.Support;

namespace TrainExplain.Torch.Tests.Optim;

/// <summary>
/// Three steps of each optimizer configuration here and in Python's torch.optim (1.13) on the same float64 parameters
/// and gradients end at the same parameters, within <see cref="Tolerance"/> relative (both are float64; only the
/// operation order may differ).
/// </summary>
public sealed class OptimizerPyTorchComparisonTests
{
    private const double Tolerance = 1e-12;
    private static readonly double[] P0 = [1, -2, 3, 0.5, -0.25, 2];
    private static readonly double[][] Gradients = [[4, -2, 1, 0, 0.5, -3], [0.1, 0.2, -0.3, 0.05, 1, 0], [0.5, -0.02, 0.02, 0.01, -1, 0.2]];

    // argv[1]: JSON {"p0", "grads"}; prints {configuration name: parameters after three steps}.
    private const string Script = """
        data = json.loads(sys.argv[1])
        configs = {
            "sgd": lambda ps: torch.optim.SGD(ps, lr=0.1),
            "sgd_momentum": lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, dampening=0.2, weight_decay=0.01),
            "sgd_nesterov": lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.05),
            "adam": lambda ps: torch.optim.Adam(ps, lr=0.05, betas=(0.8, 0.9), eps=1e-3),
            "adam_decay": lambda ps: torch.optim.Adam(ps, lr=0.05, weight_decay=0.1),
            "adam_amsgrad": lambda ps: torch.optim.Adam(ps, lr=0.05, betas=(0.8, 0.9), eps=1e-3, weight_decay=0.1, amsgrad=True),
        }
        out = {}
        for name, make in configs.items():
            p = torch.tensor(data["p0"], dtype=torch.float64, requires_grad=True)
            opt = make([p])
            for g in data["grads"]:
                opt.zero_grad()
                p.grad = torch.tensor(g, dtype=torch.float64)
                opt.step()
            out[name] = p.detach().tolist()
        print(json.dumps(out))
        """;

    private static readonly Lazy<JsonDocument> PythonResults = new(() =>
        JsonDocument.Parse(PythonTorch.RunScript(Script, JsonSerializer.Serialize(new { p0 = P0, grads = Gradients }))));

    [Theory]
    [InlineData("sgd")]
    [InlineData("sgd_momentum")]
    [InlineData("sgd_nesterov")]
    [InlineData("adam")]
    [InlineData("adam_decay")]
    [InlineData("adam_amsgrad")]
    public void Three_steps_end_where_PyTorch_ends(string configuration)
    {
        PythonTorch.SkipUnlessAvailable();
        using var scope = torch.NewDisposeScope();
        var p = torch.tensor(P0).requires_grad_();
        using TrainExplain.Torch.Optim.Optimizer optimizer = configuration switch
        {
            "sgd" => torch.optim.SGD([p], 0.1),
            "sgd_momentum" => torch.optim.SGD([p], 0.1, momentum: 0.9, dampening: 0.2, weight_decay: 0.01),
            "sgd_nesterov" => torch.optim.SGD([p], 0.1, momentum: 0.9, weight_decay: 0.05, nesterov: true),
            "adam" => torch.optim.Adam([p], 0.05, 0.8, 0.9, 1e-3),
            "adam_decay" => torch.optim.Adam([p], 0.05, weight_decay: 0.1),
            "adam_amsgrad" => torch.optim.Adam([p], 0.05, 0.8, 0.9, 1e-3, weight_decay: 0.1, amsgrad: true),
            _ => throw new ArgumentException($"Unknown configuration {configuration}.", nameof(configuration)),
        };

        foreach (double[] g in Gradients)
        {
            optimizer.zero_grad();
            p.grad = torch.tensor(g);
            optimizer.step();
        }

        double[] expected = [.. PythonResults.Value.RootElement.GetProperty(configuration).EnumerateArray().Select(v => v.GetDouble())];
        TensorAssert.Close(expected, p, Tolerance, 1e-15);
    }
}
