#!/usr/bin/env python3
"""`make bench`: how fast the blind relay is, next to the limits of this machine, in one run.

Measures the crypto and storage limits (relay-bench), then drives live relays with wrk (server-
sealed forms, browser-sealed envelopes, a static page), then sends the form from a slowed
Chromium as a person on a cheap phone would (felt.py), then times `chair pull` of many envelopes.
Prints one table and writes it to bench-results/latest.md. --smoke runs everything for a second
or two (used by `make test` so the benchmark cannot rot) and asserts nothing about speed.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Tests" / "Support"))
sys.dont_write_bytecode = True  # no __pycache__ in a Swift target's folder
from relay_launcher import NotReady, launch  # noqa: E402
sys.path.insert(0, str(ROOT / "Tests" / "Bench"))
import felt  # noqa: E402
PASSPHRASE = "quarry nimbus tulip ferret gazebo"
MESSAGE = ("I want to tell you what happened to my family at the bus station last week. " * 27)[:2048]


def run(*command, env=None, input=None, check=True):
    result = subprocess.run(command, env=env, input=input, capture_output=True, timeout=3600)
    if check and result.returncode != 0:
        sys.exit(f"bench: {' '.join(map(str, command))} failed:\n{result.stderr.decode()}")
    return result


def launch_or_exit(*command, env, log_path):
    try:
        return launch(command, env, log_path)
    except NotReady as problem:
        sys.exit(f"bench: {problem}")


class Relay:
    def __init__(self, bin_dir, folder, recipient_set, **settings):
        self.folder = folder
        keys_dir = folder / "keys"
        keys_dir.mkdir(parents=True, exist_ok=True)
        shutil.copy(recipient_set, keys_dir / "recipients.set")
        env = dict(os.environ, BLIND_RELAY_PORT="0", BLIND_RELAY_KEYS_DIR=str(keys_dir),
                   BLIND_RELAY_DATA_DIR=str(folder / "data"), BLIND_RELAY_LOG_LEVEL="warning",
                   BLIND_RELAY_MIN_SECONDS_ON_PAGE="0", BLIND_RELAY_CLIENT_BURST="100000000",
                   BLIND_RELAY_CLIENT_SUBMISSIONS_PER_HOUR="100000000", BLIND_RELAY_INTAKE_BURST="100000000",
                   BLIND_RELAY_INTAKE_SUBMISSIONS_PER_MINUTE="100000000", BLIND_RELAY_MAX_CONNECTIONS="4096",
                   BLIND_RELAY_MAX_STORED_ENVELOPES="100000000", BLIND_RELAY_MAX_STORED_BYTES=str(1 << 40))
        env.update({f"BLIND_RELAY_{k.upper()}": str(v) for k, v in settings.items()})
        env["BLIND_RELAY_LOG_LEVEL"] = "info"
        self.process, self.log, self.address = launch_or_exit(bin_dir / "relay", env=env, log_path=folder / "relay.log")

    def status(self, field):
        text = open(f"/proc/{self.process.pid}/status").read()
        return int(re.search(rf"{field}:\s+(\d+) kB", text).group(1))

    def reset_peak(self):
        with open(f"/proc/{self.process.pid}/clear_refs", "w") as refs:
            refs.write("5")

    def bodies(self, bin_dir, count, form="", envelope="", bits=0):
        """A file of `count` posts, each with its own fresh form token (tokens are single-use)."""
        path = self.folder / "bodies.txt"
        run(bin_dir / "relay-bench", "bodies", "--data-dir", self.folder / "data", "--count", str(count),
            "--form", form, "--envelope", envelope, "--bits", str(bits), "--output", path)
        return path

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()


class HTTPFloor:
    """`relay-bench http-floor`: Hummingbird set up as the relay is, reading each post and answering."""

    def __init__(self, bin_dir, folder, wait_ms):
        folder.mkdir(parents=True, exist_ok=True)
        self.process, self.log, self.address = launch_or_exit(
            bin_dir / "relay-bench", "http-floor", "--wait-ms", str(wait_ms), env=dict(os.environ),
            log_path=folder / f"floor-{wait_ms}.log")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()


def wrk(url, connections, seconds, body_file=None):
    threads = "1" if connections == 1 else "2"
    command = ["wrk", "-t", threads, "-c", str(connections), "-d", f"{seconds}s", "--latency"]
    env = dict(os.environ)
    if body_file:
        command += ["-s", str(ROOT / "Tests" / "Bench" / "post.lua")]
        env["BENCH_BODY_FILE"] = str(body_file)
        env["BENCH_THREADS"] = threads
    output = run(*command, url, env=env).stdout.decode()
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))

    def latency(percent):
        match = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    return {"rate": rate, "p50": latency(50), "p99": latency(99), "non2xx": int(errors.group(1)) if errors else 0,
            "socket_errors": socket_errors.group(1) if socket_errors else ""}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True, type=Path)
    parser.add_argument("--smoke", action="store_true")
    arguments = parser.parse_args()
    smoke = arguments.smoke
    seconds = 1 if smoke else 8
    limit_seconds = 0.3 if smoke else 3
    pull_sizes = [200] if smoke else [10_000, 100_000]
    bin_dir = arguments.bin
    work = Path(tempfile.mkdtemp(prefix="blind-relay-bench-"))
    rows = []
    try:
        env = dict(os.environ, BLIND_RELAY_PASSPHRASE=PASSPHRASE)
        for name in ["chair", "deputy"]:
            run(bin_dir / "chair", "init", "--identity", work / name / "identity", env=env)
        run(bin_dir / "chair", "export", "--identity", work / "deputy" / "identity", "--name", "deputy",
            "--output", work / "deputy.pub")
        # sets[0]: the chair alone; sets[1]: the chair and a deputy.
        sets = [work / "one.set", work / "two.set"]
        run(bin_dir / "chair", "recipients", "create", "--identity", work / "chair" / "identity", "--set", sets[0],
            env=env)
        shutil.copy(sets[0], sets[1])
        run(bin_dir / "chair", "recipients", "add", work / "deputy.pub", "--identity", work / "chair" / "identity",
            "--set", sets[1], env=env)

        limits = {}
        for line in run(bin_dir / "relay-bench", "limits", "--seconds", str(limit_seconds), "--folder", work).stdout.decode().splitlines():
            item = json.loads(line)
            limits[item["name"]] = item["value"]
            rows.append((item["name"], f"{item['value']:,} {item['unit']}", ""))
        bare_seal = limits["bare crypto_box_seal 2 KiB"]
        envelope_open = limits["envelope open"]

        form = urllib.parse.urlencode({"message": MESSAGE, "category": "race", "where": "Central bus station",
                                       "when": "Tuesday evening", "form_language": "en"})
        # Each post needs a fresh single-use token: enough for the fastest step to never run out
        # (a body sent twice would show as NON-2xx in the table).
        posts_per_step = 3_000 if smoke else 12_000 * seconds
        # The proof of work costs the relay one hash whatever its difficulty; 4 bits keep
        # making tens of thousands of bodies quick.
        bits = 4
        relay = Relay(bin_dir, work / "relay-one", sets[0], proof_of_work_bits=bits)
        # A browser-sealed post: a real envelope (any will do: the relay can only check its shape).
        sample = run(bin_dir / "relay-bench", "sample", "--recipients", sets[0]).stdout.decode().strip()
        idle = relay.status("VmRSS")
        rows.append(("relay resident memory, idle", f"{idle / 1024:.1f} MiB", ""))

        def server_sealed(target):
            return target.bodies(bin_dir, posts_per_step, form=form)

        def browser_sealed(target):
            return target.bodies(bin_dir, posts_per_step, envelope=sample, bits=bits)

        def post_row(label, target, make_bodies, connections, reference, reference_name):
            body_file = make_bodies(target)
            target.reset_peak()
            result = wrk(target.address + "/submit", connections, seconds, body_file)
            peak = target.status("VmHWM")
            rows.append((f"{label}, {connections} connections",
                         f"{result['rate']:,.0f}/s  p50 {result['p50']:.2f} ms  p99 {result['p99']:.2f} ms"
                         f"  peak RSS {peak / 1024:.1f} MiB"
                         + (f"  NON-2xx {result['non2xx']}" if result['non2xx'] else ""),
                         f"{result['rate'] / reference:.2f} × {reference_name}"))

        for connections in [1, 8, 32, 256]:
            post_row("server-sealed form posts", relay, server_sealed, connections, bare_seal, "bare seal")
        healthz = wrk(relay.address + "/healthz", 32, seconds)
        for connections in [1, 8, 32, 256]:
            post_row("browser-sealed posts", relay, browser_sealed, connections, healthz["rate"], "GET /healthz")
        # The floor under the browser-sealed figure: the same post read and answered by a bare
        # server, then the same after a wait as long as a group commit's (about 2 ms here).
        sealed_file = browser_sealed(relay)
        for wait_ms, label in [(0, "read and answered"), (2, "read, 2 ms wait, answered")]:
            floor = HTTPFloor(bin_dir, work / "floor", wait_ms)
            result = wrk(floor.address + "/", 32, seconds, sealed_file)
            floor.stop()
            rows.append((f"HTTP floor: a browser-sealed post {label}, 32 connections",
                         f"{result['rate']:,.0f}/s  p50 {result['p50']:.2f} ms  p99 {result['p99']:.2f} ms",
                         f"{result['rate'] / healthz['rate']:.2f} × GET /healthz"))
        page = wrk(relay.address + "/", 32, seconds)
        rows.append(("GET / (the form), 32 connections", f"{page['rate']:,.0f}/s  p99 {page['p99']:.2f} ms", ""))
        rows.append(("GET /healthz, 32 connections", f"{healthz['rate']:,.0f}/s  p99 {healthz['p99']:.2f} ms", ""))
        time.sleep(2)
        rows.append(("relay resident memory, 2 s after the load", f"{relay.status('VmRSS') / 1024:.1f} MiB", ""))
        relay.stop()

        # What memory hygiene (ProcessHardening: freed memory wiped, no per-thread cache) costs:
        # the same two 32-connection rows on a relay with it turned off.
        bare = Relay(bin_dir, work / "relay-no-hygiene", sets[0], proof_of_work_bits=bits, memory_hygiene="off")
        post_row("server-sealed form posts, memory hygiene OFF", bare, server_sealed, 32, bare_seal, "bare seal")
        post_row("browser-sealed posts, memory hygiene OFF", bare, browser_sealed, 32, healthz["rate"], "GET /healthz")
        bare.stop()

        two = Relay(bin_dir, work / "relay-two", sets[1], proof_of_work_bits=bits)
        result = wrk(two.address + "/submit", 32, seconds, server_sealed(two))
        rows.append(("server-sealed form posts, 2 recipients, 32 connections",
                     f"{result['rate']:,.0f}/s  p50 {result['p50']:.2f} ms  p99 {result['p99']:.2f} ms",
                     f"{result['rate'] / (bare_seal / 2):.2f} × half bare seal"))
        two.stop()

        # As a person feels it: a slowed phone on slow 4G, the relay's own defaults for the proof
        # of work and the time a form must be open (felt.py).
        felt_relay = Relay(bin_dir, work / "relay-felt", sets[0], min_seconds_on_page=3)
        rows += felt.measure(felt_relay.address, MESSAGE, sends=2 if smoke else 20)
        felt_relay.stop()

        # The chair: unlocking alone, then pull and open of N envelopes from a live relay.
        identity = work / "chair" / "identity"
        start = time.time()
        run(bin_dir / "chair", "list", "--identity", identity, "--store", work / "empty.sqlite", env=env)
        rows.append(("chair: unlock the identity (Argon2id) and start", f"{time.time() - start:.2f} s", ""))
        for count, recipients in [(size, 1) for size in pull_sizes] + [(pull_sizes[0], 2)]:
            folder = work / f"pull-{count}-{recipients}"
            run(bin_dir / "relay-bench", "fill", "--data-dir", folder / "data", "--recipients", sets[recipients - 1],
                "--count", str(count))
            source = Relay(bin_dir, folder, sets[recipients - 1])
            # The chair times its own pull, after unlocking the identity.
            output = run(bin_dir / "chair", "pull", "--timing", "--relay", source.address, "--identity", identity,
                         "--store", folder / "chair.sqlite", env=env).stderr.decode()
            match = re.search(r"pulled (\d+) new messages? in ([\d.]+) seconds", output.replace(",", ""))
            assert match and int(match.group(1)) == count, output
            taken = float(match.group(2))
            source.stop()
            rate = count / taken
            # With two recipients the relay keeps every row for the deputy: nothing is deleted.
            label = f"chair pull + open, {count:,} envelopes" + (", 2 recipients" if recipients == 2 else "")
            rows.append((label,
                         f"{taken:.1f} s ({taken / (count / 10_000):.2f} s per 10,000; {rate:,.0f}/s)",
                         f"{rate / envelope_open:.2f} × bare open"))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    width = max(len(row[0]) for row in rows)
    lines = [f"| {'measure':<{width}} | result | ratio |", f"|{'-' * (width + 2)}|--------|-------|"]
    lines += [f"| {name:<{width}} | {value} | {ratio} |" for name, value, ratio in rows]
    table = "\n".join(lines)
    print(table)
    out = ROOT / "bench-results"
    out.mkdir(exist_ok=True)
    (out / ("smoke.md" if smoke else "latest.md")).write_text(table + "\n")
    if smoke:
        print("bench smoke: 1 passed, 0 failed")


if __name__ == "__main__":
    main()
