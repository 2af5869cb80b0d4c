using MnistTrainer;

// `train` trains a ConvNet on MNIST-format data and watches it with every explainer in TensorBoard;
// `explain` explains a saved model's decisions. Bad arguments get one line on stderr and exit code 2.
return CommandLineErrors.Run(App.CreateRoot(), args);
