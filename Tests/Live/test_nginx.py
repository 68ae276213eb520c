"""deploy/nginx/ in front of a live relay, as deploy/README.md installs it: Debian's nginx on
loopback with a throwaway certificate, the shipped files changed only where a test must (ports,
certificate, log and snippet paths; each substitution asserted to happen)."""
import http.client
import http.server
import re
import shutil
import ssl
import subprocess
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

import pytest

from conftest import ROOT

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
IDENTIFYING = {"User-Agent": "CANARY-AGENT", "Referer": "https://canary.example/referrer",
               "Cookie": "canary=1", "Accept-Language": "cy-GB, en-CANARY;q=0.5", "X-Forwarded-For": "198.51.100.66",
               "X-Real-IP": "198.51.100.77", "Forwarded": "for=198.51.100.88", "Sec-CH-UA": "CanaryBrowser",
               "Via": "1.1 canary"}


def free_port():
    import socket
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Nginx:
    """Debian's nginx running deploy/nginx/ from a temporary prefix."""

    def __init__(self, upstream_port):
        self.folder = Path(tempfile.mkdtemp(prefix="blind-relay-nginx-"))
        (self.folder / "logs").mkdir()
        self.https_port, self.http_port, self.onion_port = free_port(), free_port(), free_port()
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                        "-days", "1", "-subj", "/CN=localhost", "-keyout", str(self.folder / "key.pem"),
                        "-out", str(self.folder / "cert.pem")], check=True, capture_output=True)
        site = self.substitute((ROOT / "deploy/nginx/blind-relay.conf").read_text(), [
            ("    listen 80;\n", f"    listen 127.0.0.1:{self.http_port};\n", 1),
            ("    listen [::]:80;\n", "", 1),
            ("    listen 443 ssl http2;\n", f"    listen 127.0.0.1:{self.https_port} ssl http2;\n", 1),
            ("    listen [::]:443 ssl http2;\n", "", 1),
            ("    listen 127.0.0.1:8081;\n", f"    listen 127.0.0.1:{self.onion_port};\n", 1),
            ("/etc/ssl/blind-relay/fullchain.pem", str(self.folder / "cert.pem"), 1),
            ("/etc/ssl/blind-relay/privkey.pem", str(self.folder / "key.pem"), 1),
            ("/var/log/nginx/blind-relay.error.log", str(self.folder / "logs/site-error.log"), 3),
            ("http://127.0.0.1:8080", f"http://127.0.0.1:{upstream_port}", 2),
            ("/etc/nginx/snippets/blind-relay-proxy.conf", str(self.folder / "blind-relay-proxy.conf"), 2),
        ])
        (self.folder / "site.conf").write_text(site)
        shutil.copy(ROOT / "deploy/nginx/blind-relay-proxy.conf", self.folder / "blind-relay-proxy.conf")
        temp = "".join(f"    {kind}_temp_path {self.folder / kind};\n"
                       for kind in ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"])
        (self.folder / "nginx.conf").write_text(
            f"worker_processes 1;\npid {self.folder / 'nginx.pid'};\nerror_log {self.folder / 'logs/error.log'} crit;\n"
            f"events {{}}\nhttp {{\n{temp}    include {self.folder / 'site.conf'};\n}}\n")
        self.process = subprocess.Popen([NGINX, "-p", str(self.folder), "-c", str(self.folder / "nginx.conf"),
                                         "-g", "daemon off;"], stderr=subprocess.PIPE)
        deadline = time.time() + 15
        while time.time() < deadline:
            try:
                probe = self.connection()
                probe.request("GET", "/healthz")
                probe.getresponse().read()
                return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError("nginx did not start: " + self.process.stderr.read().decode())
                time.sleep(0.1)
        raise RuntimeError("nginx did not answer")

    @staticmethod
    def substitute(text, substitutions):
        for old, new, count in substitutions:
            assert text.count(old) == count, f"deploy/nginx/blind-relay.conf has {old!r} {text.count(old)} times"
            text = text.replace(old, new)
        return text

    def connection(self):
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return http.client.HTTPSConnection("127.0.0.1", self.https_port, timeout=10, context=context)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture
def recording_upstream():
    """A stand-in for the relay that records the headers of every request nginx passes on."""
    seen = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            seen.append(list(self.headers.items()))
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        do_POST = do_GET

        def log_message(self, *arguments):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], seen
    server.shutdown()


def test_only_one_address_reaches_the_relay_and_nothing_else_about_the_person(recording_upstream):
    port, seen = recording_upstream
    nginx = Nginx(port)
    seen.clear()  # the start-up probe
    try:
        for path in ["/", "/submit"]:
            connection = nginx.connection()
            connection.request("POST" if path == "/submit" else "GET", path, body=b"message=hi" if path != "/" else None,
                               headers=dict(IDENTIFYING, **({"Content-Type": "application/x-www-form-urlencoded"}
                                                            if path != "/" else {})))
            response = connection.getresponse()
            response.read()
            assert response.status == 200
            assert response.getheader("Strict-Transport-Security") == "max-age=63072000"
            assert response.getheader("Server") == "nginx", "server_tokens off: no version"
        onion = http.client.HTTPConnection("127.0.0.1", nginx.onion_port, timeout=10)
        onion.request("GET", "/", headers=IDENTIFYING)
        assert onion.getresponse().status == 200
        assert len(seen) == 3
        for headers in seen:
            names = [name.lower() for name, _ in headers]
            # Host is the site's name (here the test dialled 127.0.0.1 by number).
            addresses = [(name, value) for name, value in headers
                         if name != "Host" and re.search(r"\d+\.\d+\.\d+\.\d+", value)]
            assert addresses == [("X-Real-IP", "127.0.0.1")], headers
            # Of the languages, only that Welsh comes first (the relay then answers in Welsh).
            assert [(name, value) for name, value in headers if name.lower() == "accept-language"] == \
                [("Accept-Language", "cy")], headers
            for name in IDENTIFYING:
                if name not in ("X-Real-IP", "Accept-Language"):
                    assert name.lower() not in names, f"{name} reached the relay: {headers}"
            assert not any("CANARY" in value.upper() or "canary" in value for _, value in headers), headers
        assert not (nginx.folder / "logs/access.log").exists(), "nginx wrote an access log"
        assert not (nginx.folder / "logs/site-error.log").exists() or \
            "127.0.0.1" not in (nginx.folder / "logs/site-error.log").read_text()
    finally:
        nginx.stop()


def test_a_submission_through_tls_arrives_and_floods_are_refused(relay_factory):
    relay = relay_factory(client_address_header="X-Real-IP", proof_of_work_bits=1)
    nginx = Nginx(int(relay.address.rsplit(":", 1)[1]))
    try:
        connection = nginx.connection()
        connection.request("GET", "/", headers={"User-Agent": "CANARY-AGENT"})
        page = connection.getresponse().read().decode()
        token = re.search(r'name="form_token" value="([^"]+)"', page).group(1)
        connection.request("POST", "/submit", body=urllib.parse.urlencode(
            {"form_token": token, "message": "NGINX-CANARY through TLS"}),
            headers={"Content-Type": "application/x-www-form-urlencoded", "User-Agent": "CANARY-AGENT"})
        response = connection.getresponse()
        assert response.status == 200 and b'class="receipt"' in response.read()
        assert "NGINX-CANARY through TLS" in relay.pull_and_read(1)
        # A flood of junk posts reaches the relay, which refuses each in its own words and charges
        # no one: nginx limits connections, not posts.
        statuses = []
        for _ in range(25):
            connection.request("POST", "/submit", body=b"message=x",
                               headers={"Content-Type": "application/x-www-form-urlencoded"})
            reply = connection.getresponse()
            reply.read()
            statuses.append(reply.status)
        assert set(statuses) == {400}, statuses
        assert not (nginx.folder / "logs/access.log").exists()
        assert "CANARY" not in relay.log_path.read_text()
    finally:
        nginx.stop()


def onion_post(nginx, body):
    connection = http.client.HTTPConnection("127.0.0.1", nginx.onion_port, timeout=10)
    connection.request("POST", "/submit", body=body, headers={"Content-Type": "application/x-www-form-urlencoded"})
    response = connection.getresponse()
    page = response.read()
    connection.close()
    return response.status, page


def test_junk_through_the_onion_front_never_locks_out_tor_users(relay_factory):
    """Behind the onion service every visitor is 127.0.0.1. Junk posts, more than the sixteen that
    shut the form for every Tor user before, cost the next Tor user nothing: their message is
    stored and they see the relay's receipt, never nginx's bare 429."""
    relay = relay_factory(client_address_header="X-Real-IP", proof_of_work_bits=1)
    nginx = Nginx(int(relay.address.rsplit(":", 1)[1]))
    try:
        for _ in range(40):
            status, _ = onion_post(nginx, b"message=junk+from+a+stranger")
            assert status == 400, status
        connection = http.client.HTTPConnection("127.0.0.1", nginx.onion_port, timeout=10)
        connection.request("GET", "/")
        page = connection.getresponse().read().decode()
        connection.close()
        token = re.search(r'name="form_token" value="([^"]+)"', page).group(1)
        status, page = onion_post(nginx, urllib.parse.urlencode(
            {"form_token": token, "message": "a Tor user after the junk"}).encode())
        assert status == 200 and b'class="receipt"' in page, (status, page[:300])
        assert "a Tor user after the junk" in relay.pull_and_read(1)
    finally:
        nginx.stop()


def test_nginx_still_stops_a_flood_of_connections_held_open(relay_factory):
    """Requests whose bodies never come hold connections; past the onion front's limit nginx
    refuses more (503), and once they go, requests get through again."""
    import socket
    relay = relay_factory(client_address_header="X-Real-IP")
    nginx = Nginx(int(relay.address.rsplit(":", 1)[1]))
    held = []
    try:
        for _ in range(64):
            hanging = socket.create_connection(("127.0.0.1", nginx.onion_port), timeout=10)
            hanging.sendall(b"POST /submit HTTP/1.1\r\nHost: x\r\n"
                            b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nmessage=")
            held.append(hanging)
        time.sleep(0.5)
        status, _ = onion_post(nginx, b"message=one+too+many")
        assert status == 503, status
        for hanging in held:
            hanging.close()
        held.clear()
        deadline = time.time() + 10
        while time.time() < deadline:
            status, _ = onion_post(nginx, b"message=after+the+flood")
            if status != 503:
                break
            time.sleep(0.2)
        assert status == 400, status
    finally:
        for hanging in held:
            hanging.close()
        nginx.stop()
