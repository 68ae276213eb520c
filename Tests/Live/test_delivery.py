"""Delivery to every recipient, against live relays and the real `chair`: chair and deputy each
get every message in any order, a removed recipient stops holding rows back, and a lost
acknowledgement is repaired by the next pull."""
import http.client
import http.server
import re
import sqlite3
import threading
from contextlib import closing
import urllib.parse


def port_of(address):
    return int(address.rsplit(":", 1)[1])


def submit(relay, text):
    """Posts a message as the form does with JavaScript off; returns the status."""
    connection = http.client.HTTPConnection("127.0.0.1", port_of(relay.address), timeout=10)
    connection.request("GET", "/")
    token = re.search(r'name="form_token" value="([^"]+)"', connection.getresponse().read().decode()).group(1)
    connection.request("POST", "/submit", body=urllib.parse.urlencode({"form_token": token, "message": text}),
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.status


def stored_rows(relay):
    path = relay.folder / "relay" / "data" / "envelopes.sqlite"
    # closing(): sqlite3's own context manager commits but leaves the file open (and a test's
    # small filesystem then cannot be unmounted).
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        return db.execute("SELECT count(*) FROM envelope").fetchone()[0]


def pull(relay, identity=None, address=None):
    result = relay.chair("pull", "--relay", address or relay.address, identity=identity, check=False)
    assert result.returncode == 0, result.stderr.decode()
    return result.stderr.decode()


def listed(relay, identity=None):
    return relay.chair("list", identity=identity).stdout.decode()


def test_chair_and_deputy_each_get_every_message_in_either_order(relay_factory):
    relay = relay_factory(deputies=("deputy",))
    deputy = relay.deputy_identity("deputy")
    assert submit(relay, "first for both") == 200
    assert submit(relay, "second for both") == 200
    # The deputy pulls first: the relay keeps both rows for the chair.
    assert "pulled 2 new messages" in pull(relay, deputy)
    assert stored_rows(relay) == 2
    assert "pulled 2 new messages" in pull(relay)
    assert stored_rows(relay) == 0
    # Then the other way round.
    assert submit(relay, "third for both") == 200
    assert "pulled 1 new message" in pull(relay)
    assert stored_rows(relay) == 1
    assert "pulled 1 new message" in pull(relay, deputy)
    assert stored_rows(relay) == 0
    for identity in (None, deputy):
        text = listed(relay, identity)
        assert all(word in text for word in ("first for both", "second for both", "third for both")), text
        # Nobody was told anything is missing.
        assert "pulled 0 new messages" in pull(relay, identity)

    # The chair removing the deputy from the signed set releases what the deputy held back.
    assert submit(relay, "fourth, the chair only") == 200
    assert "pulled 1 new message" in pull(relay)
    assert stored_rows(relay) == 1
    relay.stop()
    relay.chair("recipients", "remove", "deputy", "--set", str(relay.recipient_set))
    (relay.keys / "deputy.pub").unlink()
    relay.start()
    assert stored_rows(relay) == 0
    assert "pulled 0 new messages" in pull(relay)


def pass_on(handler, target, body):
    """Sends what `handler` received on to the relay at `target`; returns its response and body."""
    connection = http.client.HTTPConnection("127.0.0.1", port_of(target), timeout=30)
    headers = {name: value for name, value in handler.headers.items() if name.lower() != "host"}
    connection.request(handler.command, handler.path, body=body or None, headers=headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response, data


class DroppingProxy:
    """An HTTP proxy in front of a relay that answers the first acknowledgement itself with a
    502, without passing it on: the relay never hears it, as when a connection drops."""

    def __init__(self, target):
        self.dropped = 0
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *arguments):
                pass

            def forward(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.command == "POST" and self.path.startswith("/api/v1/acknowledge") and proxy.dropped == 0:
                    proxy.dropped += 1
                    self.send_response(502)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", "33")
                    self.end_headers()
                    self.wfile.write(b'{"error":"dropped by the proxy."}')
                    return
                response, data = pass_on(self, target, body)
                self.send_response(response.status)
                self.send_header("Content-Type", response.getheader("Content-Type", "application/json"))
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = forward
            do_POST = forward

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.address = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def test_a_lost_acknowledgement_is_repaired_by_the_next_pull_and_frees_a_full_relay(relay_factory):
    relay = relay_factory(max_stored_envelopes=2)
    assert submit(relay, "one") == 200
    assert submit(relay, "two") == 200
    assert submit(relay, "three, turned away") == 503
    proxy = DroppingProxy(relay.address)
    try:
        output = pull(relay, address=proxy.address)
        assert proxy.dropped == 1
        # Stored here, and said so; not "nothing was changed".
        assert "pulled 2 new messages" in output, output
        assert "safely stored here, but the relay was not told so" in output, output
        assert "nothing was changed" not in output
        assert stored_rows(relay) == 2
        assert submit(relay, "three, still turned away") == 503
        # The next pull has nothing new, and tells the relay again.
        output = pull(relay, address=proxy.address)
        assert "pulled 0 new messages" in output, output
        assert "not told" not in output
        assert stored_rows(relay) == 0
        assert submit(relay, "three, accepted now") == 200
        assert "pulled 1 new message" in pull(relay, address=proxy.address)
        assert "three, accepted now" in listed(relay)
    finally:
        proxy.close()


def test_a_full_disk_refuses_kindly_and_the_chairs_pull_frees_it_without_a_restart(relay_factory, tmp_path):
    """The relay's data folder on a 12 MiB filesystem of the test's own, filled to the brim."""
    import base64
    import os
    import subprocess

    import pytest
    from test_bad_input import fetch_token, proof_of_work, valid_envelope_shape

    if os.geteuid() != 0:
        pytest.skip("mounting a small filesystem needs root (CI runs as root)")
    disk = tmp_path / "disk"
    disk.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=12m", "tmpfs", str(disk)], check=True)
    relay = None
    try:
        relay = relay_factory(data_dir=disk, max_stored_envelopes=1_000_000, client_burst=1_000_000,
                              intake_burst=1_000_000, intake_submissions_per_minute=1_000_000)
        assert (disk / "reserve").stat().st_size > 0
        text = "A message that fills the disk. " * 60
        statuses = []
        while len(statuses) < 3_000:
            statuses.append(submit(relay, f"{len(statuses)} {text}"))
            if statuses[-1] != 200:
                break
        assert statuses[-1] == 503, statuses[-5:]
        stored = statuses.count(200)
        assert stored > 100, stored

        # JavaScript off: the form again, with the text, saying the service is full.
        connection = http.client.HTTPConnection("127.0.0.1", port_of(relay.address), timeout=10)
        connection.request("POST", "/submit", body=urllib.parse.urlencode(
            {"form_token": fetch_token(relay), "message": "kept on a full disk"}),
            headers={"Content-Type": "application/x-www-form-urlencoded"})
        response = connection.getresponse()
        page = response.read().decode()
        assert response.status == 503 and ">kept on a full disk</textarea>" in page and "full" in page
        # JavaScript on: a 503 whose reason the page's script turns into words beside the kept text.
        envelope = valid_envelope_shape()
        token = fetch_token(relay)
        connection.request("POST", "/submit", body=urllib.parse.urlencode(
            {"form_token": token, "pow": proof_of_work(token, envelope, bits=8),
             "envelope": base64.b64encode(envelope).decode()}),
            headers={"Content-Type": "application/x-www-form-urlencoded"})
        response = connection.getresponse()
        response.read()
        assert response.status == 503 and response.getheader("Blind-Relay-Refusal") == "full"
        connection.close()

        # The chair's pull stores everything and its acknowledgement frees the disk.
        output = pull(relay)
        assert f"pulled {stored} new messages" in output, output
        assert "not told" not in output
        with closing(sqlite3.connect(f"file:{disk / 'envelopes.sqlite'}?mode=ro", uri=True)) as db:
            assert db.execute("SELECT count(*) FROM envelope").fetchone()[0] == 0
        assert (disk / "envelopes.sqlite-wal").stat().st_size < 1 << 20
        # Without a restart, the relay takes messages again, and holds its reserve again.
        assert submit(relay, "after the pull") == 200
        assert (disk / "reserve").stat().st_size > 0
        assert relay.process.poll() is None
    finally:
        if relay is not None and relay.process.poll() is None:
            relay.stop()
        if subprocess.run(["umount", str(disk)], check=False).returncode != 0:
            subprocess.run(["umount", "--lazy", str(disk)], check=False)
