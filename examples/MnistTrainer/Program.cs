using MnistTrainer;

// `train` trains a ConvNet on MNIST-format data and watches it with every explainer in TensorBoard;
// `explain` explains a saved model's decisions. Bad arguments get one line on stderr and exit code 2.
// The application's choice: keep libtorch's buffers in glibc's heap (TrainExplain.NativeHeap says what it does and costs).
TrainExplain.NativeHeap.Tune();
return CommandLineErrors.Run(App.CreateRoot(), args);
