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


if __name__ == "__main__":
    method = sys.argv[1] if len(sys.argv) > 1 else "spawn"
    mp.set_start_method(method)
    print(json.dumps({
        "queue": queue_throughput(200_000),
        "pipe": pipe_round_trip(20_000),
        "lock": locked_increments(200_000),
    }))
