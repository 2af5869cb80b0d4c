using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MnistTrainer.Models;

/// <summary>
/// The default example model: conv1 Conv2d(1,32,3), ReLU, MaxPool2d(2), conv2 Conv2d(32,64,3), ReLU, MaxPool2d(2),
/// Flatten, Dropout(0.5), fc Linear(1600,10). Its state_dict names are conv1.*, conv2.*, fc.*, as in PyTorch.
/// </summary>
public sealed class SimpleConvNet : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1 = nn.Conv2d(1, 32, 3);
    private readonly ReLU relu1 = nn.ReLU();
    private readonly MaxPool2d pool1 = nn.MaxPool2d(2);
    private readonly Conv2d conv2 = nn.Conv2d(32, 64, 3);
    private readonly ReLU relu2 = nn.ReLU();
    private readonly MaxPool2d pool2 = nn.MaxPool2d(2);
    private readonly Flatten flatten = nn.Flatten();
    private readonly Dropout dropout = nn.Dropout(0.5);
    private readonly Linear fc = nn.Linear(1600, 10);

    /// <summary>Creates the model with PyTorch's default initialization.</summary>
    public SimpleConvNet() : base(nameof(SimpleConvNet)) => RegisterComponents();

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        var x = pool1.call(relu1.call(conv1.call(input)));
        x = pool2.call(relu2.call(conv2.call(x)));
        return fc.call(dropout.call(flatten.call(x)));
    }
}
