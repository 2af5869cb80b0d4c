using TrainExplain.Torch.Tests.Support;

namespace TrainExplain.Torch.Tests.Nn;

/// <summary>named_modules, named_parameters, named_buffers and state_dict keys use PyTorch's dotted names and order.</summary>
public sealed class ModuleNamingTests
{
    [Fact]
    public void Nested_positional_Sequential_names_children_by_their_index()
    {
        using var model = torch.nn.Sequential(torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU()), torch.nn.Linear(3, 1));

        Assert.Equal(["", "0", "0.0", "0.1", "1"], model.named_modules().Select(m => m.name));
        Assert.Equal(["0.0.weight", "0.0.bias", "1.weight", "1.bias"], model.named_parameters().Select(p => p.name));
        Assert.Equal(["0", "1"], model.named_children().Select(c => c.name));
    }

    [Fact]
    public void Named_Sequential_uses_the_given_names_as_prefixes()
    {
        using var model = TestModels.NamedConvNet();

        Assert.Equal(["", "features", "features.conv", "features.bn", "features.relu", "features.pool", "flatten", "classifier"],
            model.named_modules().Select(m => m.name));
        Assert.Equal(["features.conv.weight", "features.conv.bias", "features.bn.weight", "features.bn.bias", "classifier.weight", "classifier.bias"],
            model.named_parameters().Select(p => p.name));
        Assert.Equal(["features.bn.running_mean", "features.bn.running_var", "features.bn.num_batches_tracked"],
            model.named_buffers().Select(b => b.name));
    }

    [Fact]
    public void State_dict_lists_each_module_parameters_then_buffers_depth_first_as_PyTorch()
    {
        using var model = TestModels.NamedConvNet();

        Assert.Equal(
            ["features.conv.weight", "features.conv.bias", "features.bn.weight", "features.bn.bias", "features.bn.running_mean",
             "features.bn.running_var", "features.bn.num_batches_tracked", "classifier.weight", "classifier.bias"],
            model.state_dict().Keys);
    }

    [Fact]
    public void Named_parameters_without_recursion_lists_only_the_module_own()
    {
        using var model = TestModels.NamedConvNet();
        var conv = model.named_modules().Single(m => m.name == "features.conv").module;

        Assert.Empty(model.named_parameters(recurse: false));
        Assert.Equal(["weight", "bias"], conv.named_parameters(recurse: false).Select(p => p.name));
    }

    [Fact]
    public void Parameters_require_grad_and_buffers_do_not()
    {
        using var model = TestModels.NamedConvNet();

        Assert.All(model.parameters(), p => Assert.True(p.requires_grad));
        Assert.All(model.buffers(), b => Assert.False(b.requires_grad));
        Assert.Equal([3L], model.state_dict()["features.bn.running_mean"].shape);
        Assert.Equal(ScalarType.Int64, model.state_dict()["features.bn.num_batches_tracked"].dtype);
    }

    [Fact]
    public void A_shared_module_is_listed_once_but_saved_under_every_name_as_in_PyTorch()
    {
        using var scope = torch.NewDisposeScope();
        // PyTorch: named_modules ['', '0', '1'], named_parameters ['0.weight', '0.bias'],
        // state_dict ['0.weight', '0.bias', '2.weight', '2.bias'].
        var shared = torch.nn.Linear(2, 2);
        using var model = torch.nn.Sequential(shared, torch.nn.ReLU(), shared);

        Assert.Equal(["", "0", "1"], model.named_modules().Select(m => m.name));
        Assert.Equal(["0.weight", "0.bias"], model.named_parameters().Select(p => p.name));
        Assert.Equal(2, model.parameters().Count());
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias"], model.state_dict().Keys);
    }

    [Fact]
    public void A_shared_batch_norm_contributes_its_buffers_once()
    {
        var bn = torch.nn.BatchNorm2d(2);
        using var model = torch.nn.Sequential(bn, bn);

        Assert.Equal(["0.running_mean", "0.running_var", "0.num_batches_tracked"], model.named_buffers().Select(b => b.name));
    }
}
