"""A relay the chair pulls from may be hostile (issue 24, part 2): its software changed, or an
address typed wrong. A proxy in front of a real relay answers as such a relay would (a number
past Int64, an endless answer, a trickle, a redirect to another host, tens of thousands of lost
ranges), and the real `chair` must neither crash nor hang nor hold what it is sent."""
import http.server
import json
import os
import resource
import subprocess
import threading
import time

from conftest import BIN, PASSPHRASE
from test_delivery import pass_on, pull, submit


class HostileProxy:
    """Forwards to a real relay, except for what `mode` makes it answer instead."""

    def __init__(self, target):
        self.mode = None
        self.collector_hits = []
        proxy = self

        class Collector(http.server.BaseHTTPRequestHandler):
            """Another host a redirect points at: it records whatever reaches it."""

            def log_message(self, *arguments):
                pass

            def do_GET(self):
                proxy.collector_hits.append(dict(self.headers.items()))
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            do_POST = do_GET

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *arguments):
                pass

            def answer(self, status, body, headers=()):
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def forward(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                envelopes = self.path.startswith("/api/v1/envelopes")
                try:
                    if envelopes and proxy.mode == "endless":
                        # No length, and bytes until the reader gives up: a 1 GiB answer and more.
                        self.send_response(200)
                        self.send_header("Connection", "close")
                        self.end_headers()
                        chunk = b"[" * (1 << 20)
                        for _ in range(1024):
                            self.wfile.write(chunk)
                        return
                    if envelopes and proxy.mode == "declared-gibibyte":
                        self.send_response(200)
                        self.send_header("Content-Length", str(1 << 30))
                        self.end_headers()
                        self.wfile.write(b"[" * 1024)
                        return
                    if envelopes and proxy.mode == "trickle":
                        self.send_response(200)
                        self.send_header("Content-Length", "1000")
                        self.end_headers()
                        for _ in range(1000):
                            self.wfile.write(b" ")
                            self.wfile.flush()
                            time.sleep(1)
                        return
                    if self.path == "/" and proxy.mode == "page-redirect-away":
                        self.answer(302, b"", [("Location", f"http://127.0.0.1:{proxy.collector.server_address[1]}/")])
                        return
                    if self.path == "/" and proxy.mode == "page-redirect-here":
                        self.answer(302, b"", [("Location", f"{proxy.address}/?lang=en")])
                        return
                    if envelopes and proxy.mode == "escape-sequences":
                        self.answer(500, json.dumps({"error": "\x1b]0;owned\x07\x1b[2J" + "x" * 5000}).encode())
                        return
                    if envelopes and proxy.mode == "redirect":
                        location = f"http://127.0.0.1:{proxy.collector.server_address[1]}{self.path}"
                        self.answer(307, b"", [("Location", location)])
                        return
                except (BrokenPipeError, ConnectionResetError):
                    return
                response, data = pass_on(self, target, body)
                if self.path.startswith("/api/v1/acknowledge") and proxy.mode == "deleted-int64-max":
                    data = json.dumps({"deleted": 9223372036854775807, "acknowledged": 1}).encode()
                if envelopes and proxy.mode == "lost-ranges" and response.status == 200:
                    page = json.loads(data)
                    page["lost"] = [{"first": 1_000_000 + 2 * i, "last": 1_000_000 + 2 * i} for i in range(60_000)]
                    data = json.dumps(page).encode()
                self.answer(response.status, data, [(name, value) for name, value in response.getheaders()
                                                     if name.lower() not in ("content-length", "connection",
                                                                              "transfer-encoding")])

            do_GET = forward
            do_POST = forward

        self.collector = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Collector)
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.address = f"http://127.0.0.1:{self.server.server_address[1]}"
        for server in (self.server, self.collector):
            threading.Thread(target=server.serve_forever, daemon=True).start()

    def close(self):
        for server in (self.server, self.collector):
            server.shutdown()
            server.server_close()


def run_chair(relay, *arguments, env=None):
    """Runs `chair` on its own, returning (exit status, stderr, peak resident KiB, seconds)."""
    environment = dict(os.environ, BLIND_RELAY_PASSPHRASE=PASSPHRASE, SWIFT_BACKTRACE="enable=no", **(env or {}))
    started = time.monotonic()
    process = subprocess.Popen([str(BIN / "chair"), *arguments, "--identity", str(relay.identity)], env=environment,
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # Read on threads, so a full pipe never stalls the chair.
    output = {}
    readers = [threading.Thread(target=lambda name=name, pipe=pipe: output.__setitem__(name, pipe.read()))
               for name, pipe in (("out", process.stdout), ("err", process.stderr))]
    for reader in readers:
        reader.start()
    _, status, usage = os.wait4(process.pid, 0)
    for reader in readers:
        reader.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, output["err"].decode(), usage.ru_maxrss, time.monotonic() - started


def test_a_hostile_relay_cannot_crash_hang_flood_or_redirect_the_chair(relay):
    proxy = HostileProxy(relay.address)
    try:
        assert submit(relay, "before the relay turned") == 200
        assert "pulled 1 new message" in pull(relay, address=proxy.address)
        assert submit(relay, "while it is hostile") == 200

        # A count past anything a relay can delete: refused in words, no trap (was SIGILL).
        proxy.mode = "deleted-int64-max"
        code, said, _, _ = run_chair(relay, "pull")
        assert code in (0, 1), f"chair died with {code}: {said}"
        assert "holds numbers no Blind Relay sends" in said, said

        # An endless answer: read up to the bound that a page of envelopes allows, then dropped.
        # (Unlocking the identity alone takes Argon2id's 256 MiB: that is the baseline.)
        _, _, baseline_kib, _ = run_chair(relay, "list")
        proxy.mode = "endless"
        code, said, peak_kib, _ = run_chair(relay, "pull")
        assert code == 1, said
        # (The acknowledgement refused above came after the page was stored: the store is at 2.)
        assert "while fetching the envelopes after 2, the relay sent more than any Blind Relay sends" in said, said
        print(f"endless answer: peak {peak_kib} KiB, {baseline_kib} KiB to unlock")
        assert peak_kib < baseline_kib + 100 * 1024, f"the chair held {peak_kib} KiB ({baseline_kib} to unlock)"

        # A length declared past the bound is refused before the body is read.
        proxy.mode = "declared-gibibyte"
        code, said, _, _ = run_chair(relay, "pull")
        assert code == 1 and "the relay sent more than any Blind Relay sends" in said, said

        # A trickle that never lets an idle timeout fire meets the overall deadline, named by its step.
        proxy.mode = "trickle"
        code, said, _, seconds = run_chair(relay, "pull", env={"BLIND_RELAY_REQUEST_SECONDS": "4"})
        assert code == 1, said
        assert "did not finish answering within 4 seconds while fetching the envelopes after 2" in said, said
        assert seconds < 30, seconds

        # A redirect to another host: not followed, and the chair's signature goes nowhere else.
        proxy.mode = "redirect"
        code, said, _, _ = run_chair(relay, "pull")
        assert code == 1 and "with a redirect to http://127.0.0.1:" in said and "never follows" in said, said
        assert proxy.collector_hits == []

        # An error answer's own words reach the terminal without their control characters, cut short.
        proxy.mode = "escape-sequences"
        code, said, _, _ = run_chair(relay, "pull")
        assert code == 1 and "the relay answered with an error" in said, said
        assert "\x1b" not in said and "\x07" not in said and len(said) < 2000, said

        # Sixty thousand lost ranges: named in a few lines, and stepped over in linear time (was 92 s).
        proxy.mode = "lost-ranges"
        code, said, _, seconds = run_chair(relay, "pull")
        assert code == 0, said
        assert "pulled 0 new messages" in said, said
        assert said.count("was put back from an earlier copy") <= 11, said[:2000]
        assert "59990 more times" in said, said[-2000:]
        print(f"60,000 lost ranges: the pull took {seconds:.2f} s")
        assert seconds < 30, f"the pull took {seconds:.1f} s"

        # Through it all nothing was lost: the store reads both messages.
        proxy.mode = None
        listed = relay.chair("list").stdout.decode()
        assert "before the relay turned" in listed and "while it is hostile" in listed, listed
    finally:
        proxy.close()


def test_the_public_page_is_followed_only_through_a_redirect_on_the_same_site(relay):
    """`chair canary send` and `verify-relay` fetch the public page as a browser would, but follow a
    redirect only within the relay's own site: the page they judge and post to is the relay's."""
    proxy = HostileProxy(relay.address)
    try:
        proxy.mode = "page-redirect-away"
        code, said, _, _ = run_chair(relay, "canary", "send", "--relay", proxy.address, "--wait", "0")
        assert code == 1, said
        assert proxy.collector_hits == [], proxy.collector_hits
        proxy.mode = "page-redirect-here"
        code, said, _, _ = run_chair(relay, "canary", "send", "--relay", proxy.address, "--wait", "0")
        assert code == 0 and "sent a canary; the relay gave it the receipt code" in said, said
        assert proxy.collector_hits == []
    finally:
        proxy.close()
