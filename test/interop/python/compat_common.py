"""What the checks of taggedcache_client.compat share: a registry of checks,
a collector of the warnings it logs, and the script's entry point."""

import json
import logging
import sys
import time

from taggedcache_client.compat import CacheMiss

CHECKS = {}


def check(fn):
    """Registers a check under its function's name."""
    CHECKS[fn.__name__] = fn
    return fn


class Warnings(logging.Handler):
    """Collects the warnings the compatibility layer logs."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages = []
        logging.getLogger("taggedcache_client.compat").addHandler(self)

    def emit(self, record):
        self.messages.append(record.getMessage())


def misses(cache, key, tags=None):
    """True when ``cache.get`` raises CacheMiss."""
    try:
        cache.get(key, tags=tags)
    except CacheMiss:
        return True
    return False


def wait_until(condition, seconds, what):
    """Polls ``condition`` until it holds; fails after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def main():
    """Runs the check named by argv: CHECK ADDRESS NAMESPACE; prints its JSON line."""
    name, address, namespace = sys.argv[1:4]
    print(json.dumps({"check": name, **CHECKS[name](address, namespace)}))
