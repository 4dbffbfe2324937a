using System.Diagnostics;
using Process = Helpers.Multiprocessing.Process;
using Helpers.Multiprocessing;
using MP = Helpers.Multiprocessing;
using Xunit;

namespace Helpers.Tests.Multiprocessing;

/// <summary>Queue semantics across processes, with the expectations of CPython's test_multiprocessing.</summary>
public sealed class QueueTests : IClassFixture<LeakCheck>
{
    [Fact]
    public void Items_come_out_in_order_and_qsize_follows()
    {
        using var q = new MP.Queue<int>();
        Assert.True(q.Empty());
        foreach (var i in Enumerable.Range(0, 100))
        {
            q.Put(i);
        }

        Assert.Equal(100, q.Qsize());
        Assert.Equal(Enumerable.Range(0, 100), Enumerable.Range(0, 100).Select(_ => q.Get()));
        Assert.True(q.Empty());
    }

    [Fact]
    public void Get_raises_empty_at_once_or_after_its_timeout()
    {
        using var q = new MP.Queue<string>();
        Assert.Throws<EmptyException>(() => q.Get(block: false));
        Assert.Throws<EmptyException>(q.GetNowait);
        var clock = Stopwatch.StartNew();
        Assert.Throws<EmptyException>(() => q.Get(timeout: 0.2));
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.19), $"returned after {clock.Elapsed}");
    }

    [Fact]
    public void A_bounded_queue_raises_full_and_reports_full()
    {
        using var q = new MP.Queue<int>(maxsize: 2);
        q.Put(1);
        q.PutNowait(2);
        Assert.True(q.Full());
        Assert.Throws<FullException>(() => q.Put(3, block: false));
        Assert.Throws<FullException>(() => q.Put(3, timeout: 0.1));
        Assert.Equal(1, q.Get());
        q.Put(3);
        Assert.Equal([2, 3], [q.Get(), q.Get()]);
    }

    [Fact]
    public void Plain_values_of_an_odd_size_cross_the_rings_end_intact()
    {
        // Records of 4 + 3 bytes do not divide the ring's 4 MiB: at each pass over its end one record
        // is split, in its length or in its bytes, at a different place each time.
        using var q = new MP.Queue<Rgb>();
        const int Batch = 500_000; // 3.5 MB a batch, which the ring holds (with no reader, a put waits for room); 7 batches pass its end 5 times.
        for (var batch = 0; batch < 7; batch++)
        {
            for (var i = 0; i < Batch; i++)
            {
                q.Put(Rgb.Of(batch + i));
            }

            for (var i = 0; i < Batch; i++)
            {
                var expected = Rgb.Of(batch + i);
                var got = q.Get();
                if (got != expected)
                {
                    Assert.Fail($"Batch {batch}, item {i}: {got} instead of {expected}.");
                }
            }
        }

        Assert.True(q.Empty());
    }

    [Fact]
    public void Plain_values_of_another_size_are_refused_in_get_and_the_queue_goes_on()
    {
        // The same ring opened as a queue of another item type, as a child given the wrong type would.
        using var longs = new MP.Queue<long>();
        var handle = ((IShareable<MP.Queue<long>, MP.Queue<long>.Handle>)longs).ToHandle();
        using var ints = Open<MP.Queue<int>, MP.Queue<int>.Handle>(new(handle.Ring));
        longs.Put(1L << 40);
        longs.Put(7);
        ints.Put(5);
        var error = Assert.Throws<InvalidOperationException>(() => ints.Get());
        Assert.Contains("same item type", error.Message);
        Assert.Equal(7L, longs.Get());
        Assert.Throws<InvalidOperationException>(() => longs.Get());
        Assert.True(ints.Empty());

        static TShared Open<TShared, THandle>(THandle h)
            where TShared : class, IShareable<TShared, THandle> => TShared.FromHandle(h);
    }

    [Fact]
    public void An_item_that_cannot_cross_fails_in_put_and_the_queue_goes_on()
    {
        using var q = new MP.Queue<object>();
        Assert.Throws<ArgumentException>(() => q.Put(new MemoryStream()));
        q.Put("still works");
        Assert.Equal("still works", q.Get());
    }

    [Fact]
    public void A_closed_queue_refuses_use_in_this_process()
    {
        using var q = new MP.Queue<int>();
        q.Close();
        Assert.Throws<InvalidOperationException>(() => q.Put(1));
        Assert.Throws<InvalidOperationException>(() => q.Get());
    }

    [Fact]
    public void Structs_doubles_and_enums_cross_as_their_bytes_exactly()
    {
        using var samples = new MP.Queue<Sample>();
        using var doubles = new MP.Queue<double>();
        using var days = new MP.Queue<DayOfWeek>();
        var child = new Process(QueueTargets.PutSamples, samples, doubles, days);
        child.Start();

        var first = samples.Get(timeout: 60);
        var second = samples.Get(timeout: 60);
        Assert.Equal(new Sample(child.Pid!.Value, -1.5, 'λ', true), first);
        Assert.Equal(int.MinValue, second.Id);
        Assert.True(double.IsNaN(second.Value));
        Assert.Equal(Math.PI, doubles.Get(timeout: 60));
        Assert.Equal(DayOfWeek.Friday, days.Get(timeout: 60));
        child.Join(30);
        Assert.Equal(0, child.ExitCode);
    }

    [Fact]
    public void A_pointer_sized_handle_is_refused_not_copied_as_bytes()
    {
        using var q = new MP.Queue<nint>();

        Assert.Throws<ArgumentException>(() => q.Put(42));
        Assert.Equal(0, q.Qsize());
    }

    [Fact]
    public void A_child_puts_and_the_parent_gets()
    {
        using var q = new MP.Queue<string>();
        var child = new Process(QueueTargets.PutGreeting, q, "parent");
        child.Start();
        var greeting = q.Get(timeout: 60);
        child.Join(30);
        Assert.Equal(0, child.ExitCode);
        Assert.Equal($"hello parent from {child.Pid}", greeting);
    }

    [Fact]
    public void A_child_that_put_a_large_item_can_be_joined_before_it_is_read()
    {
        const int Size = 16 << 20;
        using var q = new MP.Queue<byte[]>();
        var child = new Process(QueueTargets.PutLarge, q, Size);
        child.Start();
        child.Join(60); // CPython deadlocks here: its child waits for the pipe to drain.
        Assert.Equal(0, child.ExitCode);

        var item = q.Get(timeout: 10);
        Assert.Equal(Size, item.Length);
        Assert.Equal(unchecked((byte)(Size - 1)), item[^1]);
    }

    [Fact]
    public void Four_producers_and_four_consumers_move_100000_items_none_lost_or_duplicated()
    {
        const int Producers = 4, Consumers = 4, PerProducer = 25_000;
        using var q = new MP.Queue<int>(maxsize: 1000);
        using var seen = new Array<int>(Producers * PerProducer);
        using var disorder = new Array<int>(Consumers);
        var producers = Enumerable.Range(0, Producers).Select(p => new Process(QueueTargets.Produce, q, p, PerProducer)).ToList();
        var consumers = Enumerable.Range(0, Consumers).Select(c => new Process(QueueTargets.Consume, q, seen, disorder, c, PerProducer)).ToList();
        consumers.ForEach(c => c.Start());
        producers.ForEach(p => p.Start());
        producers.ForEach(p => p.Join(300));
        Assert.All(producers, p => Assert.Equal(0, p.ExitCode));
        for (var i = 0; i < Consumers; i++)
        {
            q.Put(-1);
        }

        consumers.ForEach(c => c.Join(300));
        Assert.All(consumers, c => Assert.Equal(0, c.ExitCode));
        Assert.DoesNotContain(seen.Select((count, item) => (count, item)), s => s.count != 1);
        Assert.All(disorder, d => Assert.Equal(0, d));
    }

    /// <summary>A plain value of three bytes, an odd size for the ring.</summary>
    private readonly record struct Rgb(byte R, byte G, byte B)
    {
        public static Rgb Of(int i) => new((byte)i, (byte)(i >> 8), (byte)(i >> 16));
    }
}
