using System.Runtime.CompilerServices;

// The tests check the TFRecord framing against the format's test vectors, inject failing file streams, and read event
// files back with the test-support reader (EventFileReader and its Logged* types), which is not public API.
[assembly: InternalsVisibleTo("TrainExplain.Tests")]
[assembly: InternalsVisibleTo("MnistTrainer.Tests")]
