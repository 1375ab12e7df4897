#!/usr/bin/env python3
"""What the kernel alone charges to take sensors' chunks into their files.

Writes TOTAL bytes into FILES new files under DIR, CHUNK bytes at a time, one file after another (as the
daemon's ring handler writes one chunk per sensor in turn), and prints the writer's CPU time per write and
the whole machine's busy CPU time per GB, which includes the kernel's writeback. With --sync-each-second a
second thread forces every file once a second, as the daemon's commit does. The files are removed after.

    bench/files-write.py --dir /tmp/w --files 2000 --chunk 9600 --total-gb 6 [--sync-each-second]
"""
import argparse
import os
import threading
import time


def busy_ticks():
    with open("/proc/stat") as f:
        fields = [int(v) for v in f.readline().split()[1:]]
    return sum(fields) - fields[3] - fields[4]  # all but idle and iowait


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--files", type=int, default=2000)
    ap.add_argument("--chunk", type=int, default=9600)
    ap.add_argument("--total-gb", type=float, default=6)
    ap.add_argument("--sync-each-second", action="store_true")
    a = ap.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    paths = [os.path.join(a.dir, "f%05d" % i) for i in range(a.files)]
    fds = [os.open(p, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o644) for p in paths]
    source = memoryview(bytearray(os.urandom(1 << 20)) * 64)  # 64 MiB of chunks, read in turn
    slots = len(source) // a.chunk
    writes = int(a.total_gb * 1e9) // a.chunk
    done = threading.Event()

    def sync_each_second():
        while not done.wait(1.0):
            for fd in fds:
                os.fdatasync(fd)

    syncer = threading.Thread(target=sync_each_second) if a.sync_each_second else None
    ticks0, wall0 = busy_ticks(), time.time()
    if syncer:
        syncer.start()
    offsets = [0] * a.files
    cpu0 = time.thread_time()
    for k in range(writes):
        i, s = k % a.files, (k % slots) * a.chunk
        os.pwrite(fds[i], source[s:s + a.chunk], offsets[i])
        offsets[i] += a.chunk
    cpu = time.thread_time() - cpu0
    done.set()
    if syncer:
        syncer.join()
    for fd in fds:
        os.fdatasync(fd)  # what is left to write back counts too
    ticks, wall = busy_ticks() - ticks0, time.time() - wall0
    for fd, p in zip(fds, paths):
        os.close(fd)
        os.unlink(p)
    hz = os.sysconf("SC_CLK_TCK")
    print("files=%d chunk=%d writes=%d sync_each_second=%s" % (a.files, a.chunk, writes, a.sync_each_second))
    print("writer_cpu_us_per_write=%.1f" % (cpu / writes * 1e6))
    print("machine_busy_cpu_s_per_gb=%.2f" % (ticks / hz / (writes * a.chunk / 1e9)))
    print("wall_s=%.1f" % wall)


if __name__ == "__main__":
    main()
