"""CPython's multiprocessing on the same workloads as Program.cs; prints one JSON object."""
import json
import multiprocessing as mp
import sys
import time


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


def pipe_round_trip(trips):
    near, far = mp.Pipe()
    p = mp.Process(target=echo, args=(far,))
    p.start()
    near.send(0)
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


def pool_figures(trips, items, limit):
    t = time.perf_counter()
    pool = mp.Pool(2)
    pool.map(square, range(8), chunksize=1)
    startup = time.perf_counter() - t
    pool.apply_async(square, (1,)).get()
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
    return {"pool_start": startup * 1000, "apply": apply_us, "map": map_ns, "speedup": times[1] / times[mp.cpu_count()]}


if __name__ == "__main__":
    method = sys.argv[1] if len(sys.argv) > 1 else "spawn"
    mp.set_start_method(method)
    figures = {
        "queue": queue_throughput(200_000),
        "pipe": pipe_round_trip(20_000),
        "lock": locked_increments(200_000),
    }
    figures.update(pool_figures(5_000, 1_000_000, 300_000))
    print(json.dumps(figures))
