"""Thousands of hostile requests against a live relay: it keeps serving, answers each on
purpose (never a 500), stores nothing it should not, and its memory comes back down."""
import base64
import hashlib
import http.client
import os
import random
import re
import socket
import time
import urllib.parse
from contextlib import closing


ALLOWED = {400, 401, 404, 405, 408, 413, 415, 429, 431, 503}
# Settings that let every request reach the parsers instead of the rate limiter.
OPEN_SETTINGS = dict(client_burst=1_000_000, intake_burst=1_000_000, intake_submissions_per_minute=1_000_000,
                     proof_of_work_bits=1, head_timeout_seconds=2, body_timeout_seconds=3, idle_timeout_seconds=5)


def resident_kib(relay):
    status = open(f"/proc/{relay.process.pid}/status").read()
    return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))


def stored_rows(relay):
    import sqlite3
    path = relay.folder / "relay" / "data" / "envelopes.sqlite"
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        return db.execute("SELECT count(*) FROM envelope").fetchone()[0]


def request(relay, method, path, body=b"", headers=None):
    """One request on a fresh connection; the status, or None when the relay closed it."""
    host, port = relay.address.rsplit(":", 1)
    connection = http.client.HTTPConnection("127.0.0.1", int(port), timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        response.read()
        return response.status
    except (ConnectionError, http.client.HTTPException, socket.timeout):
        return None
    finally:
        connection.close()


def raw(relay, data, read_timeout=5):
    """Sends raw bytes; returns the status line's code, or None when closed without one."""
    port = int(relay.address.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=read_timeout) as sock:
        try:
            sock.sendall(data)
            answer = sock.recv(64)
        except (ConnectionError, socket.timeout):
            return None
    match = re.match(rb"HTTP/1\.1 (\d{3})", answer)
    return int(match.group(1)) if match else None


def fetch_token(relay):
    port = int(relay.address.rsplit(":", 1)[1])
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/")
    page = connection.getresponse().read().decode()
    connection.close()
    return re.search(r'name="form_token" value="([^"]+)"', page).group(1)


def proof_of_work(token, envelope, bits=1):
    """The counter for which SHA-512(token ":" hex(SHA-512(envelope)) ":" n) starts with `bits` zero bits."""
    challenge = f"{token}:{hashlib.sha512(envelope).hexdigest()}:"
    counter = 0
    while int.from_bytes(hashlib.sha512(f"{challenge}{counter}".encode()).digest()[:4], "big") >> (32 - bits):
        counter += 1
    return str(counter)


def token_and_proof(relay, envelope=b""):
    token = fetch_token(relay)
    return token, proof_of_work(token, envelope)


def form(*pairs):
    return "&".join(f"{name}={value}" for name, value in pairs).encode()


FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def valid_envelope_shape(recipients=1, size_class=0):
    """Bytes with a well-formed header and exact length: the relay cannot tell them from an
    envelope, so it must store them (the chair's tool later reports them unreadable)."""
    sizes = [4096, 16384, 65536]
    header = b"BRLY" + bytes([1, recipients, size_class]) + os.urandom(80 * recipients)
    return header + os.urandom(16 + sizes[size_class])


def broken_envelopes():
    """One envelope failing each rule the relay can check (FORMAT.md section 5.1, steps 1-6)."""
    good = valid_envelope_shape()
    yield "bad magic", b"BRLZ" + good[4:]
    yield "empty", b""
    yield "unknown version", good[:4] + b"\x02" + good[5:]
    yield "truncated header", good[:6]
    yield "zero recipients", good[:5] + b"\x00" + good[6:]
    yield "seventeen recipients", good[:5] + b"\x11" + good[6:]
    yield "bad size class", good[:6] + b"\x03" + good[7:]
    yield "truncated", good[:-1]
    yield "trailing data", good + b"\x00"
    yield "wrong recipient count", valid_envelope_shape(recipients=2)
    yield "class and length disagree", valid_envelope_shape(size_class=1)[:4199]


def test_thousands_of_bad_requests_are_refused_on_purpose(relay_factory):
    relay = relay_factory(**OPEN_SETTINGS)
    generator = random.Random(20261129)
    baseline = resident_kib(relay)
    statuses = {}
    expected_stored = 0

    def check(kind, status, allowed=ALLOWED):
        statuses.setdefault(kind, []).append(status)
        assert status in allowed, f"{kind}: got {status}"

    token, proof = token_and_proof(relay)
    valid_form = form(("form_token", token), ("message", "hello%20there"), ("category", "race"), ("where", "Leeds"))
    for _ in range(1000):  # truncated forms, some cut inside a %XX
        cut = generator.randrange(0, len(valid_form))
        body = valid_form[:cut] + b"%" + bytes([generator.choice(b"0Zz%")])
        check("truncated form", request(relay, "POST", "/submit", body, FORM))
    for _ in range(800):  # invalid UTF-8 and bad percent-encoding
        junk = bytes(generator.randrange(0x80, 0x100) for _ in range(generator.randrange(1, 40)))
        encoded = urllib.parse.quote_from_bytes(junk).encode()
        body = form(("form_token", token), ("message", encoded.decode()), ("where", "%G1%" + "%"))
        check("invalid UTF-8", request(relay, "POST", "/submit", body, FORM))
    for size in [16_001, 50_000, 127_000]:  # huge fields
        check("huge field", request(relay, "POST", "/submit", form(("form_token", token), ("message", "x" * size)), FORM))
    check("huge body", request(relay, "POST", "/submit", b"message=" + b"x" * 300_000, FORM))
    for count in [2, 10, 65, 500]:  # repeated and too many fields
        check("repeated fields", request(relay, "POST", "/submit", b"&".join([b"message=x"] * count), FORM))
    for method in ["PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"]:  # wrong methods
        for path in ["/", "/submit", "/api/v1/envelopes", "/healthz"]:
            check("wrong method", request(relay, method, path, b"x", FORM))
    for content_type in ["text/plain", "application/json", "multipart/form-data; boundary=x", "", "application/x-www-form-urlencodedX"]:
        check("wrong content type", request(relay, "POST", "/submit", b"message=hi", {"Content-Type": content_type}))
    for declared in ["99999999999999999999", "-1", "1e9", "0x10"]:  # absurd Content-Length
        status = raw(relay, f"POST /submit HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                            f"Content-Length: {declared}\r\n\r\nmessage=hi".encode())
        check("absurd Content-Length", status, ALLOWED | {None})
    check("declared too large", raw(relay, b"POST /submit HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-"
                                           b"urlencoded\r\nContent-Length: 500000000\r\n\r\n"))
    for count in [65, 300, 2000]:  # header floods
        headers = "".join(f"X-Flood-{index}: {index}\r\n" for index in range(count))
        check("header flood", raw(relay, f"GET / HTTP/1.1\r\nHost: x\r\n{headers}\r\n".encode()), ALLOWED | {None})
    check("huge header", raw(relay, b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 40_000 + b"\r\n\r\n"), ALLOWED | {None})
    for _ in range(600):  # protocol garbage
        garbage = bytes(generator.randrange(0, 256) for _ in range(generator.randrange(1, 300)))
        check("garbage", raw(relay, garbage + b"\r\n\r\n", read_timeout=3), ALLOWED | {None})
    for name, envelope in broken_envelopes():  # envelopes failing each rule the relay can check
        token, proof = token_and_proof(relay, envelope)
        body = form(("form_token", token), ("pow", proof), ("envelope", urllib.parse.quote(base64.b64encode(envelope))))
        check(f"envelope: {name}", request(relay, "POST", "/submit", body, FORM), {400})
    for text in ["not base64!", "QlJMWQ", "=" * 8]:
        body = form(("form_token", token), ("pow", proof), ("envelope", urllib.parse.quote(text)))
        check("envelope: not base64", request(relay, "POST", "/submit", body, FORM), {400})
    for _ in range(20):  # well-formed shape but undecryptable: stored, and only the chair can tell
        envelope = valid_envelope_shape()
        token, proof = token_and_proof(relay, envelope)
        body = form(("form_token", token), ("pow", proof), ("envelope", urllib.parse.quote(base64.b64encode(envelope))))
        check("envelope: right shape, random content", request(relay, "POST", "/submit", body, FORM), {200})
        expected_stored += 1
    for _ in range(400):  # the chair's API without a valid signature
        headers = {"Blind-Relay-Key": base64.b64encode(os.urandom(32)).decode(), "Blind-Relay-Timestamp": str(int(time.time())),
                   "Blind-Relay-Nonce": os.urandom(16).hex(), "Blind-Relay-Signature": base64.b64encode(os.urandom(64)).decode()}
        check("unsigned API", request(relay, "GET", f"/api/v1/envelopes?after={generator.randrange(-5, 10**6)}", b"", headers))

    total = sum(len(found) for found in statuses.values())
    assert total >= 2500, total
    assert request(relay, "GET", "/healthz") in (200, 204)
    assert request(relay, "GET", "/") == 200
    assert stored_rows(relay) == expected_stored
    time.sleep(1)
    after = resident_kib(relay)
    assert after < 96 * 1024, f"resident memory {after} KiB"
    assert after - baseline < 48 * 1024, f"memory grew from {baseline} to {after} KiB"


def test_slow_clients_are_cut_off(relay_factory):
    relay = relay_factory(**OPEN_SETTINGS)
    port = int(relay.address.rsplit(":", 1)[1])
    started = time.time()
    with socket.create_connection(("127.0.0.1", port), timeout=15) as sock:
        closed_after = None
        for byte in b"POST /submit HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n":
            try:
                sock.sendall(bytes([byte]))
            except (BrokenPipeError, ConnectionResetError):
                closed_after = time.time() - started
                break
            time.sleep(0.25)
        if closed_after is None:
            try:
                closed_after = time.time() - started if sock.recv(1) == b"" else None
            except ConnectionResetError:
                closed_after = time.time() - started
    assert closed_after is not None and closed_after < 6, f"a client trickling its head was kept for {closed_after} s"

    # A body trickled after a complete head is cut off too.
    started = time.time()
    with socket.create_connection(("127.0.0.1", port), timeout=15) as sock:
        sock.sendall(b"POST /submit HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                     b"Content-Length: 1000\r\n\r\n")
        cut = None
        for _ in range(40):
            try:
                sock.sendall(b"a")
                time.sleep(0.25)
            except (BrokenPipeError, ConnectionResetError):
                cut = time.time() - started
                break
    assert cut is not None and cut < 8, "a client trickling its body was never cut off"
    assert request(relay, "GET", "/healthz") in (200, 204)


def test_one_client_flooding_gets_429_and_others_still_get_through(relay_factory):
    relay = relay_factory(client_burst=5, client_submissions_per_hour=1, client_address_header="X-Forwarded-For")
    flooder = {"X-Forwarded-For": "198.51.100.1", **FORM}
    results = []
    for _ in range(40):
        token, _ = token_and_proof(relay)
        results.append(request(relay, "POST", "/submit", form(("form_token", token), ("message", "flood")), flooder))
    assert results[:5] == [200] * 5
    assert set(results[5:]) == {429}
    token, _ = token_and_proof(relay)
    other = {"X-Forwarded-For": "198.51.100.2", **FORM}
    assert request(relay, "POST", "/submit", form(("form_token", token), ("message", "hello")), other) == 200
    assert stored_rows(relay) == 6


def test_an_http_1_0_connection_is_closed_after_its_answer(relay_factory):
    """HTTP/1.0 keeps a connection only when asked (`Connection: keep-alive`): otherwise the relay
    closes it once it has answered, instead of holding it until the head deadline."""
    relay = relay_factory(head_timeout_seconds=10)
    port = int(relay.address.rsplit(":", 1)[1])

    def seconds_until_closed(request):
        with socket.create_connection(("127.0.0.1", port), timeout=15) as sock:
            sock.sendall(request)
            started = time.monotonic()
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
            return answer, time.monotonic() - started

    answer, seconds = seconds_until_closed(b"GET /healthz HTTP/1.0\r\n\r\n")
    assert re.match(rb"HTTP/1\.[01] 2", answer), answer[:100]
    assert seconds < 2, f"the connection stayed open {seconds:.1f} s after the answer"
    answer, seconds = seconds_until_closed(b"GET / HTTP/1.0\r\nHost: x\r\n\r\n")
    assert b"form_token" in answer and seconds < 2, seconds
    # Asked to keep it, and so for HTTP/1.1: open until the client or a deadline ends it.
    with socket.create_connection(("127.0.0.1", port), timeout=3) as sock:
        sock.sendall(b"GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        assert re.match(rb"HTTP/1\.[01] 2", sock.recv(65536))
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        assert re.match(rb"HTTP/1\.[01] 2", sock.recv(65536))
