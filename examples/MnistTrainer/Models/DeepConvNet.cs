using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MnistTrainer.Models;

/// <summary>
/// The larger example model: conv1 Conv2d(1,32,3), ReLU, conv2 Conv2d(32,64,3), ReLU, conv3 Conv2d(64,128,3), ReLU,
/// Flatten, fc1 Linear(61952,128), ReLU, fc2 Linear(128,10). Its state_dict names are conv1.* to conv3.*, fc1.*, fc2.*.
/// </summary>
public sealed class DeepConvNet : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1 = nn.Conv2d(1, 32, 3);
    private readonly ReLU relu1 = nn.ReLU();
    private readonly Conv2d conv2 = nn.Conv2d(32, 64, 3);
    private readonly ReLU relu2 = nn.ReLU();
    private readonly Conv2d conv3 = nn.Conv2d(64, 128, 3);
    private readonly ReLU relu3 = nn.ReLU();
    private readonly Flatten flatten = nn.Flatten();
    private readonly Linear fc1 = nn.Linear(61952, 128);
    private readonly ReLU relu4 = nn.ReLU();
    private readonly Linear fc2 = nn.Linear(128, 10);

    /// <summary>Creates the model with PyTorch's default initialization.</summary>
    public DeepConvNet() : base(nameof(DeepConvNet)) => RegisterComponents();

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        var x = relu3.call(conv3.call(relu2.call(conv2.call(relu1.call(conv1.call(input))))));
        return fc2.call(relu4.call(fc1.call(flatten.call(x))));
    }
}
