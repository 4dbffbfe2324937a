using Helpers.Multiprocessing;
using MP = Helpers.Multiprocessing;

namespace Helpers.Tests.Multiprocessing;

/// <summary>Child targets for the queue tests.</summary>
public static class QueueTargets
{
    /// <summary>The note's example: the child puts, the parent gets.</summary>
    public static void PutGreeting(MP.Queue<string> q, string who) => q.Put($"hello {who} from {Environment.ProcessId}");

    /// <summary>Puts samples of unmanaged types, which cross as their bytes, with no serializer.</summary>
    public static void PutSamples(MP.Queue<Sample> samples, MP.Queue<double> doubles, MP.Queue<DayOfWeek> days)
    {
        samples.Put(new Sample(Environment.ProcessId, -1.5, 'λ', true));
        samples.Put(new Sample(int.MinValue, double.NaN, '\0', false));
        doubles.Put(Math.PI);
        days.Put(DayOfWeek.Friday);
    }

    /// <summary>Puts one large array and returns at once.</summary>
    public static void PutLarge(MP.Queue<byte[]> q, int size) => q.Put(Enumerable.Range(0, size).Select(i => (byte)i).ToArray());

    /// <summary>Puts producer * Count + i for i in 0..count.</summary>
    public static void Produce(MP.Queue<int> q, int producer, int count)
    {
        for (var i = 0; i < count; i++)
        {
            q.Put(producer * count + i);
        }
    }

    /// <summary>Gets until -1; counts each item in <paramref name="seen"/> and FIFO breaks per producer in <paramref name="disorder"/>.</summary>
    public static void Consume(MP.Queue<int> q, Array<int> seen, Array<int> disorder, int consumer, int perProducer)
    {
        var last = new Dictionary<int, int>();
        while (q.Get(timeout: 120) is var item && item >= 0)
        {
            seen[item]++;
            var producer = item / perProducer;
            if (last.TryGetValue(producer, out var previous) && previous > item)
            {
                disorder[consumer]++;
            }

            last[producer] = item;
        }
    }
}

/// <summary>A struct of unmanaged fields: a queue of it carries its bytes as they are.</summary>
public readonly record struct Sample(int Id, double Value, char Mark, bool Flag);
