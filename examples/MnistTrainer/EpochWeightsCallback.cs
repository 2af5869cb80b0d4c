using TrainExplain.Data;
using TrainExplain.Training;

namespace MnistTrainer;

/// <summary>
/// Saves the weights into the run folder at the end of every <c>--save-every</c>-th epoch, atomically (a temporary file
/// renamed over the last one), so a run killed later (SIGKILL, a power cut) keeps the weights of its last saved epoch.
/// </summary>
internal sealed class EpochWeightsCallback(string path, int every) : ITrainingCallback
{
    public void OnEpochEnd(TrainingContext context)
    {
        if (context.Epoch % every == 0)
        {
            ModelWeights.Save(context.Model, path);
        }
    }
}
