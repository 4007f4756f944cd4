"""10,000 calls on one default channel of the stock C-core client, counting
the connections lost.

A default grpc.insecure_channel sends BDP pings while replies flow; a server
that takes them for abuse sends GOAWAY too_many_pings and the channel leaves
READY. This makes unary Set/Get calls and GetMany streams with large
replies, and prints the calls made, the times the channel left READY, and
the calls that failed.

Usage: no_disconnect.py ADDRESS RUN_ID [CALLS] [THREADS]
"""

import json
import sys
import threading
import time

import grpc
from taggedcache_client import TaggedCacheClient

VALUE = b"v" * 16_384
LARGE_KEYS = [f"large{i}" for i in range(40)]  # one GetMany reply: ~650 KB


class ChannelWatch:
    """Counts the times the channel leaves READY once it has been READY."""

    def __init__(self, channel):
        self.lock = threading.Lock()
        self.state = None
        self.losses = 0
        channel.subscribe(self.on_change, try_to_connect=True)

    def on_change(self, state):
        with self.lock:
            if self.state == grpc.ChannelConnectivity.READY and state != grpc.ChannelConnectivity.READY:
                self.losses += 1
            self.state = state


def worker(client, calls, counts, lock):
    """Makes calls until `calls` have been made in all; every 50th is a GetMany stream."""
    while True:
        with lock:
            n = counts["made"]
            if n >= calls:
                return
            counts["made"] += 1
        try:
            if n % 50 == 0:
                (reply,) = client.get_many_stream([LARGE_KEYS])
                assert all(e is not None and e.value == VALUE for e in reply)
                with lock:
                    counts["streams"] += 1
            elif n % 2 == 0:
                client.set(f"k{n % 1000}", b"x" * (n % 500))
            else:
                client.get(f"k{(n - 1) % 1000}")
        except grpc.RpcError as err:
            with lock:
                counts["failed"].append(f"{err.code()}: {err.details()}")
        except AssertionError as err:
            with lock:
                counts["failed"].append(f"wrong reply: {err!r}")


def main(address, run, calls="10000", threads="4"):
    with TaggedCacheClient(address, run, deadline_ms=30_000) as client:
        # Closing the channel also ends the thread that watches it.
        print(json.dumps(make_calls(client, int(calls), int(threads))))


def make_calls(client, calls, threads):
    watch = ChannelWatch(client._channel)
    for key in LARGE_KEYS:
        client.set(key, VALUE)
    counts, lock = {"made": 0, "streams": 0, "failed": []}, threading.Lock()
    started = time.monotonic()
    # Several calls in flight on the one channel, as an application's threads would.
    pool = [threading.Thread(target=worker, args=(client, calls, counts, lock)) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    seconds = time.monotonic() - started
    failed = counts["failed"]
    # Read before close(), which leaves READY too.
    return {"calls": counts["made"], "streams": counts["streams"], "connection_losses": watch.losses,
            "failed": len(failed), "first_failures": failed[:3], "seconds": round(seconds, 2)}


if __name__ == "__main__":
    main(*sys.argv[1:])
