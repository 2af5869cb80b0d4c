namespace TrainExplain.Torch.Tests.Core;

/// <summary>
/// A full training step (Conv2d, ReLU, MaxPool2d, Linear, cross-entropy, backward, Adam) repeated 1,000 times in dispose
/// scopes leaves the native live-tensor count where it was after the first step (which creates Adam's state).
/// </summary>
public sealed class TrainingLoopLeakTests
{
    [Fact]
    public void A_thousand_scoped_training_steps_return_the_live_tensor_count_to_its_baseline()
    {
        torch.manual_seed(21);
        using var model = torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
            torch.nn.Flatten(), torch.nn.Linear(16, 3));
        using var optimizer = torch.optim.Adam(model.parameters(), 0.01);
        var loss = torch.nn.CrossEntropyLoss();
        using var input = torch.randn([4, 1, 6, 6]);
        using var target = torch.tensor(new long[] { 0, 1, 2, 1 });
        double first = Step();
        // Tensors other tests dropped without disposing would be finalized during the loop and lower the count.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long baseline = torch.live_tensor_count();

        double last = 0;
        for (int i = 0; i < 1000; i++)
        {
            last = Step();
        }

        Assert.Equal(baseline, torch.live_tensor_count());
        // The steps really trained: the loss on this fixed batch went down.
        Assert.True(last < first, $"The loss went from {first} to {last}.");

        double Step()
        {
            using var scope = torch.NewDisposeScope();
            optimizer.zero_grad();
            var l = loss.call(model.call(input), target);
            l.backward();
            optimizer.step();
            return l.item<double>();
        }
    }
}
