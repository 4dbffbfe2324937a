"""CPython's multiprocessing and threading on the helpers' workloads, measured in the same run.

python3 cpython.py [START_METHOD] [--start] the benchmark figures (tests/Benchmarks), as one JSON object
                                           (--start: only the starts)
python3 cpython.py start START_METHOD RUNS PAUSE
                                           start + join of a no-op child RUNS times, PAUSE seconds apart,
                                           as a JSON list of milliseconds (notebook 01)
python3 cpython.py serve [START_METHOD]    (default: the platform's) one job per line on stdin, each answered with one number (Helpers.Measure.CPython):
                                           "primes threads|processes WORKERS LIMIT": the count's wall time in seconds;
                                           "start PAUSE RUNS": one untimed start + join, PAUSE seconds of sleep, then the
                                           mean milliseconds of RUNS timed ones back to back;
                                           "queue N": items a second from a child through a Queue;
                                           "pipe TRIPS WARM_UP": mean microseconds a round trip through a Pipe to a
                                           child, after WARM_UP untimed ones;
                                           "turns WORKERS LIMIT": the primes count with threads, each thread timing
                                           itself, as one JSON line (primes_turns).
                                           It first prints {"version": ..., "start": the start method} as one line.
"""
import json
import multiprocessing as mp
import sys
import threading
import time


def nothing():
    pass


def start_join_ms(runs, pause):
    times = []
    for _ in range(runs):
        if pause:
            time.sleep(pause)
        t = time.perf_counter()
        p = mp.Process(target=nothing)
        p.start()
        p.join()
        times.append((time.perf_counter() - t) * 1000)
    return times


def start_many_ms(n, pause):
    """The note's own pattern: start n children in a loop, then join them all."""
    time.sleep(pause)
    t = time.perf_counter()
    children = [mp.Process(target=nothing) for _ in range(n)]
    for p in children:
        p.start()
    for p in children:
        p.join()
    return (time.perf_counter() - t) * 1000


def median_p90(times):
    times = sorted(times)
    return times[len(times) // 2], times[min(len(times) - 1, int(len(times) * 0.9))]


def flood(q, n):
    for i in range(n):
        q.put(i)


def echo(conn):
    while (x := conn.recv()) is not None:
        conn.send(x)


def add_locked(v, times, start, lock, elapsed, index):
    start.wait()
    t = time.perf_counter()
    for _ in range(times):
        with lock:
            v.value += 1
    elapsed[index] = time.perf_counter() - t


def queue_throughput(n):
    q = mp.Queue()
    p = mp.Process(target=flood, args=(q, n))
    p.start()
    q.get()
    t = time.perf_counter()
    for _ in range(n - 1):
        q.get()
    rate = (n - 1) / (time.perf_counter() - t)
    p.join()
    return rate


def pipe_round_trip(trips, warm_up=1):
    near, far = mp.Pipe()
    p = mp.Process(target=echo, args=(far,))
    p.start()
    for i in range(warm_up):
        near.send(i)
        near.recv()
    t = time.perf_counter()
    for i in range(trips):
        near.send(i)
        near.recv()
    micros = (time.perf_counter() - t) * 1e6 / trips
    near.send(None)
    p.join()
    return micros


def locked_increments(times):
    v = mp.Value("i", 0, lock=False)
    lock = mp.Lock()
    start = mp.Barrier(2)
    elapsed = mp.Array("d", 2)
    ps = [mp.Process(target=add_locked, args=(v, times, start, lock, elapsed, i)) for i in range(2)]
    for p in ps:
        p.start()
    for p in ps:
        p.join()
    assert v.value == 2 * times
    return 2 * times / max(elapsed)


def square(x):
    return x * x


def count_primes(r):
    a, b = r
    c = 0
    for n in range(max(a, 2), b):
        d = 2
        while d * d <= n:
            if n % d == 0:
                break
            d += 1
        else:
            c += 1
    return c


def pool_start_ms(workers):
    time.sleep(0.5)
    t = time.perf_counter()
    with mp.Pool(workers) as pool:
        pool.map(square, range(8), chunksize=1)
        return (time.perf_counter() - t) * 1000


def pool_figures(trips, items, limit):
    pool = mp.Pool(2)
    pool.map(square, range(8), chunksize=1)
    time.sleep(1)  # as the helpers' side, whose spares start meanwhile
    for i in range(2000):
        pool.apply_async(square, (i,)).get()
    t = time.perf_counter()
    for i in range(trips):
        pool.apply_async(square, (i,)).get()
    apply_us = (time.perf_counter() - t) * 1e6 / trips
    pool.map(square, range(items))
    t = time.perf_counter()
    pool.map(square, range(items))
    map_ns = (time.perf_counter() - t) * 1e9 / items
    pool.close()
    pool.join()
    ranges = [(i * limit // 48, (i + 1) * limit // 48) for i in range(48)]
    times = {}
    for n in (1, mp.cpu_count()):
        with mp.Pool(n) as p:
            p.map(square, range(4 * n), chunksize=1)
            runs = []
            for _ in range(3):
                t = time.perf_counter()
                p.map(count_primes, ranges, chunksize=1)
                runs.append(time.perf_counter() - t)
            times[n] = sorted(runs)[1]
    return {"apply": apply_us, "map": map_ns, "speedup": times[1] / times[mp.cpu_count()]}


def primes_with_threads(workers, ranges):
    it = iter(ranges)
    lock = threading.Lock()

    def work():
        while True:
            with lock:
                r = next(it, None)
            if r is None:
                return
            count_primes(r)

    ts = [threading.Thread(target=work) for _ in range(workers)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()


def primes_turns(workers, limit, gap_ns=500_000):
    """The primes count on WORKERS threads, each noting when it ran.

    A thread reads the clock before each number it tests (a few microseconds of work apart); a gap
    of more than GAP_NS between two readings means it was not running meanwhile (waiting for the
    GIL, or for a CPU), and ends a slice. CPython 3.11 reports no GIL hand-offs of its own, so the
    threads time themselves. Times are nanoseconds of time.perf_counter_ns() since the job began.
    """
    ranges = iter([(i * limit // 48, (i + 1) * limit // 48) for i in range(48)])
    lock = threading.Lock()
    clock = time.perf_counter_ns
    origin = clock()
    records = [{"slices": []} for _ in range(workers)]

    def work(record):
        slices = record["slices"]
        cpu = time.thread_time_ns()
        start = last = clock()
        while True:
            with lock:
                r = next(ranges, None)
            if r is None:
                break
            for n in range(max(r[0], 2), r[1]):
                now = clock()
                if now - last > gap_ns:
                    slices.append((start - origin, last - origin))
                    start = now
                last = now
                d = 2
                while d * d <= n:
                    if n % d == 0:
                        break
                    d += 1
        now = clock()
        slices.append((start - origin, (last if now - last > gap_ns else now) - origin))
        record["cpu_ns"] = time.thread_time_ns() - cpu

    ts = [threading.Thread(target=work, args=(records[i],)) for i in range(workers)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    for t, record in zip(ts, records):
        record["name"] = t.name
    return {"wall_ns": clock() - origin, "switch_interval_s": sys.getswitchinterval(), "threads": records}


def serve():
    pools = {}
    try:
        for line in sys.stdin:
            job, *args = line.split()
            if job == "start":
                start_join_ms(1, 0)
                time.sleep(float(args[0]))
                times = start_join_ms(int(args[1]), 0)
                print(sum(times) / len(times), flush=True)
                continue
            if job == "queue":
                print(queue_throughput(int(args[0])), flush=True)
                continue
            if job == "pipe":
                print(pipe_round_trip(int(args[0]), int(args[1])), flush=True)
                continue
            if job == "turns":
                print(json.dumps(primes_turns(int(args[0]), int(args[1]))), flush=True)
                continue
            kind, workers, limit = args[0], int(args[1]), int(args[2])
            ranges = [(i * limit // 48, (i + 1) * limit // 48) for i in range(48)]
            if kind == "processes" and workers not in pools:
                pools[workers] = mp.Pool(workers)
                pools[workers].map(square, range(4 * workers), chunksize=1)
            t = time.perf_counter()
            if kind == "threads":
                primes_with_threads(workers, ranges)
            else:
                pools[workers].map(count_primes, ranges, chunksize=1)
            print(time.perf_counter() - t, flush=True)
    finally:
        for pool in pools.values():
            pool.terminate()


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["start"]:
        mp.set_start_method(args[1])
        start_join_ms(1, 0)  # The first start also starts forkserver's server: not a child's cost.
        print(json.dumps(start_join_ms(int(args[2]), float(args[3]))))
        sys.exit(0)
    if args[:1] == ["serve"]:
        if len(args) > 1:
            mp.set_start_method(args[1])
        print(json.dumps({"version": sys.version.split()[0], "start": mp.get_start_method()}), flush=True)
        serve()
        sys.exit(0)
    method = args[0] if args and args[0] != "--start" else "spawn"
    mp.set_start_method(method)
    start_join_ms(1, 0)
    paused = median_p90(start_join_ms(10, 0.5))
    back_to_back = median_p90(start_join_ms(20, 0))
    figures = {
        "start_paused": paused[0],
        "start_paused_p90": paused[1],
        "start_b2b": back_to_back[0],
        "start_b2b_p90": back_to_back[1],
        "start_many": sorted(start_many_ms(2 * mp.cpu_count(), 0.5) for _ in range(5))[2],
        "pool_start": sorted(pool_start_ms(2) for _ in range(3))[1],
        "pool_start_all": sorted(pool_start_ms(mp.cpu_count()) for _ in range(3))[1],
    }
    if "--start" not in args:
        figures.update({
            "queue": queue_throughput(200_000),
            "pipe": pipe_round_trip(20_000),
            "lock": locked_increments(200_000),
        })
        figures.update(pool_figures(5_000, 1_000_000, 300_000))
    print(json.dumps(figures))
