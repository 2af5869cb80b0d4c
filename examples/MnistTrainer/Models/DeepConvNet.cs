using TrainExplain.Torch;
using TrainExplain.Torch.Modules;

namespace MnistTrainer.Models;

/// <summary>
/// The larger example model: conv1 Conv2d(1,32,3), ReLU, conv2 Conv2d(32,64,3), ReLU, conv3 Conv2d(64,128,3), ReLU,
/// Flatten, fc1 Linear(61952,128), ReLU, fc2 Linear(128,10).
/// </summary>
public sealed class DeepConvNet : Module
{
    private readonly Conv2d conv1 = torch.nn.Conv2d(1, 32, 3);
    private readonly ReLU relu1 = torch.nn.ReLU();
    private readonly Conv2d conv2 = torch.nn.Conv2d(32, 64, 3);
    private readonly ReLU relu2 = torch.nn.ReLU();
    private readonly Conv2d conv3 = torch.nn.Conv2d(64, 128, 3);
    private readonly ReLU relu3 = torch.nn.ReLU();
    private readonly Flatten flatten = torch.nn.Flatten();
    private readonly Linear fc1 = torch.nn.Linear(61952, 128);
    private readonly ReLU relu4 = torch.nn.ReLU();
    private readonly Linear fc2 = torch.nn.Linear(128, 10);

    /// <summary>Creates the model with PyTorch's default initialization.</summary>
    public DeepConvNet() => RegisterComponents();

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        var x = relu3.call(conv3.call(relu2.call(conv2.call(relu1.call(conv1.call(input))))));
        return fc2.call(relu4.call(fc1.call(flatten.call(x))));
    }
}
