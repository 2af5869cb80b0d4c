// Tests assert that the process-wide live native tensor count returns to its baseline, so they must not run
// concurrently; libtorch already uses every core inside each test.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
