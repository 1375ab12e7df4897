#!/usr/bin/env python3
"""The baseline a Python user writes after the py2store talk: one file per chunk under ROOT/SESSION/BLOCK
(BLOCK = the chunk's byte offset in the session), a window found by listing the session's keys and joined with
b''.join, written as WAV with soundfile.

  py2store_baseline.py write ROOT SESSION WAV SECONDS      store SECONDS of WAV (looped) in 100 ms chunks
  py2store_baseline.py query ROOT SESSION FROM_S TO_S OUT  write the window [FROM_S, TO_S) s of the session
  py2store_baseline.py same A.wav B.wav                    exit 0 when both files hold the same samples

query prints the seconds it took from listing to the written file (interpreter start not included)."""
import os
import sys
import time

import numpy as np
import soundfile as sf

CHUNK_FRAMES = 4800


class FileStore:
    """A mapping of (session, block) to bytes, one file per key: the talk's persister."""

    def __init__(self, root):
        self.root = root

    def _path(self, k):
        return os.path.join(self.root, str(k[0]), str(k[1]))

    def __setitem__(self, k, v):
        os.makedirs(os.path.dirname(self._path(k)), exist_ok=True)
        with open(self._path(k), 'wb') as f:
            f.write(v)

    def __getitem__(self, k):
        with open(self._path(k), 'rb') as f:
            return f.read()

    def blocks(self, session):
        return sorted(int(name) for name in os.listdir(os.path.join(self.root, str(session))))


def write(root, session, wav, seconds):
    data, rate = sf.read(wav, dtype='int16')
    pcm = data.tobytes()
    chunk = CHUNK_FRAMES * 2
    store = FileStore(root)
    for block in range(0, int(seconds) * rate * 2, chunk):
        at = block % len(pcm)
        store[(session, block)] = pcm[at:at + chunk]


def query(root, session, from_s, to_s, out, rate=48000):
    started = time.perf_counter()
    store = FileStore(root)
    bt, tt = round(float(from_s) * rate) * 2, round(float(to_s) * rate) * 2
    chunk = CHUNK_FRAMES * 2
    keys = [b for b in store.blocks(session) if b < tt and b + chunk > bt]
    data = b''.join(store[(session, b)] for b in keys)
    skip = bt - keys[0]
    samples = np.frombuffer(data, dtype='<i2')[skip // 2:(skip + tt - bt) // 2]
    sf.write(out, samples, rate, subtype='PCM_16')
    print('%.6f' % (time.perf_counter() - started))


def same(a, b):
    x, _ = sf.read(a, dtype='int16')
    y, _ = sf.read(b, dtype='int16')
    if x.shape != y.shape or not np.array_equal(x, y):
        print('%s and %s differ (%s vs %s samples)' % (a, b, x.shape, y.shape))
        sys.exit(1)


if __name__ == '__main__':
    command, args = sys.argv[1], sys.argv[2:]
    {'write': write, 'query': query, 'same': same}[command](*args)
