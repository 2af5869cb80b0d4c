using MnistTrainer.Models;

namespace MnistTrainer.Tests;

/// <summary>The example's models as PyTorch sees them: state_dict names and shapes, and children that run through <c>.call()</c>.</summary>
public sealed class ModelsTests
{
    public static TheoryData<string, string[]> StateDicts => new()
    {
        { "simple", ["conv1.weight 32,1,3,3", "conv1.bias 32", "conv2.weight 64,32,3,3", "conv2.bias 64", "fc.weight 10,1600", "fc.bias 10"] },
        {
            "deep", ["conv1.weight 32,1,3,3", "conv1.bias 32", "conv2.weight 64,32,3,3", "conv2.bias 64", "conv3.weight 128,64,3,3", "conv3.bias 128",
                "fc1.weight 128,61952", "fc1.bias 128", "fc2.weight 10,128", "fc2.bias 10"]
        },
    };

    [Theory]
    [MemberData(nameof(StateDicts))]
    public void StateDictHasPyTorchsNamesAndShapes(string arch, string[] expected)
    {
        using var model = Architectures.Create(arch);
        Assert.Equal(expected, model.state_dict().Select(p => $"{p.Key} {string.Join(',', p.Value.shape)}"));
    }

    [Theory]
    [InlineData("simple", "conv1 relu1 pool1 conv2 relu2 pool2 flatten dropout fc")]
    [InlineData("deep", "conv1 relu1 conv2 relu2 conv3 relu3 flatten fc1 relu4 fc2")]
    public void ForwardRunsEveryChildThroughCallSoHooksFire(string arch, string forwardOrder)
    {
        using var model = Architectures.Create(arch);
        model.eval();
        var fired = new List<string>();
        var removers = model.named_children()
            .Select(c => ((nn.Module<Tensor, Tensor>)c.module).register_forward_hook(_ => fired.Add(c.name)))
            .ToList();
        using (var scope = NewDisposeScope())
        {
            Assert.Equal([2L, 10], model.call(zeros([2, 1, 28, 28])).shape);
        }
        removers.ForEach(r => r.remove());
        Assert.Equal(forwardOrder.Split(' '), fired);
    }
}
