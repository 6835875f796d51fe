#!/usr/bin/env python3
"""A summon-style provider for the tests: looks the last argument up in the JSON file SUMMON_STORE."""
import json
import os
import sys
import time

ref = sys.argv[-1]
if ref == "slow":
    time.sleep(60)
with open(os.environ["SUMMON_STORE"], encoding="utf-8") as handle:
    store = json.load(handle)
if ref == "crash":
    # Print part of a value, then fail and echo it on stderr: neither may reach an error message.
    sys.stdout.write(store["db"])
    sys.stdout.flush()
    sys.stderr.write("fatal: could not finish after printing " + store["db"] + "\n")
    sys.exit(3)
if ref not in store:
    sys.stderr.write("Error: secret '" + ref + "' not found\n")
    sys.exit(1)
sys.stdout.write(store[ref])
