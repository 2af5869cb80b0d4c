namespace TrainExplain.Torch.Tests.Core;

/// <summary>Dispose scopes free what was made in them, except tensors moved out or detached, and nest per thread.</summary>
public sealed class DisposeScopeTests
{
    [Fact]
    public void A_scope_frees_its_tensors_and_restores_the_outer_scope()
    {
        long baseline = torch.live_tensor_count();
        var before = DisposeScope.Current;
        Tensor t;
        using (var scope = torch.NewDisposeScope())
        {
            t = torch.ones([2]) * 3.0;
            Assert.Same(scope, DisposeScope.Current);
            Assert.Equal(2, scope.Count);
        }

        Assert.True(t.IsDisposed);
        Assert.Same(before, DisposeScope.Current);
        Assert.Equal(baseline, torch.live_tensor_count());
    }

    [Fact]
    public void A_tensor_moved_to_the_outer_scope_outlives_the_inner_one_and_dies_with_the_outer()
    {
        long baseline = torch.live_tensor_count();
        Tensor moved, inner;
        using (torch.NewDisposeScope())
        {
            using (torch.NewDisposeScope())
            {
                inner = torch.ones([2]);
                moved = torch.full([2], 5.0).MoveToOuterDisposeScope();
            }

            Assert.True(inner.IsDisposed);
            Assert.Equal([5f, 5f], moved.data<float>());
        }

        Assert.True(moved.IsDisposed);
        Assert.Equal(baseline, torch.live_tensor_count());
    }

    [Fact]
    public void A_detached_tensor_outlives_every_scope_until_disposed()
    {
        long baseline = torch.live_tensor_count();
        Tensor kept;
        using (torch.NewDisposeScope())
        {
            kept = torch.ones([2]).DetachFromDisposeScope();
        }

        Assert.False(kept.IsDisposed);
        Assert.Equal(baseline + 1, torch.live_tensor_count());
        kept.Dispose();
        Assert.Equal(baseline, torch.live_tensor_count());
    }

    [Fact]
    public void Include_hands_a_tensor_to_another_scope()
    {
        long baseline = torch.live_tensor_count();
        var kept = torch.ones([2]).DetachFromDisposeScope();
        using (var scope = torch.NewDisposeScope())
        {
            scope.Include(kept);
            Assert.Equal(1, scope.Count);
        }

        Assert.True(kept.IsDisposed);
        Assert.Equal(baseline, torch.live_tensor_count());
    }

    [Fact]
    public void A_tensor_disposed_early_leaves_its_scope_and_disposing_twice_is_harmless()
    {
        long baseline = torch.live_tensor_count();
        using (var scope = torch.NewDisposeScope())
        {
            var t = torch.ones([2]);
            t.Dispose();
            t.Dispose();
            Assert.Equal(0, scope.Count);
        }

        Assert.Equal(baseline, torch.live_tensor_count());
    }

    [Fact]
    public void Scopes_are_per_thread()
    {
        using var scope = torch.NewDisposeScope();
        Tensor? fromOtherThread = null;
        var thread = new Thread(() => fromOtherThread = torch.ones([1]));
        thread.Start();
        thread.Join();

        Assert.Equal(0, scope.Count);
        fromOtherThread!.Dispose();
    }
}
