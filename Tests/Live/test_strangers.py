"""What a stranger can post never stops delivery (issue 24, part 1): envelopes built from
nothing but the public page, well formed outside and wrong inside, posted between people's
messages to a live relay, then pulled by the real `chair` as chair and as deputy. Each is set
aside, named once, acknowledged, and out of the way; only a pattern that the relay itself could
be behind is said loudly."""
import base64
import json
import http.client
import re
import sys
import urllib.parse

from conftest import ROOT
from test_bad_input import proof_of_work
from test_delivery import listed, port_of, pull, stored_rows, submit

sys.path.insert(0, str(ROOT / "Tests" / "EnvelopeTests" / "Interop"))
from envelope import seal_envelope  # noqa: E402

PROOF_BITS = 8


def record(fields):
    """A submission record (FORMAT.md section 3): version 1, then (tag, value) fields in order."""
    out = b"\x01"
    for tag, value in sorted(fields):
        out += bytes([tag]) + len(value).to_bytes(2, "big") + value
    return out


def public_page(relay):
    """The form page as anyone reads it: its token, the readers' keys and the set's digest."""
    connection = http.client.HTTPConnection("127.0.0.1", port_of(relay.address), timeout=10)
    connection.request("GET", "/")
    page = connection.getresponse().read().decode()
    connection.close()
    token = re.search(r'name="form_token" value="([^"]+)"', page).group(1)
    keys = [base64.b64decode(key) for key in re.search(r'data-recipients="([^"]+)"', page).group(1).split()]
    digest = base64.b64decode(re.search(r'data-recipient-set="([^"]+)"', page).group(1))
    return token, keys, digest


def post_envelope(relay, envelope, token):
    """Posts a browser-sealed envelope exactly as the page's script does; returns the status."""
    body = urllib.parse.urlencode({"form_token": token, "pow": proof_of_work(token, envelope, bits=PROOF_BITS),
                                   "envelope": base64.b64encode(envelope).decode()})
    connection = http.client.HTTPConnection("127.0.0.1", port_of(relay.address), timeout=10)
    connection.request("POST", "/submit", body=body, headers={"Content-Type": "application/x-www-form-urlencoded"})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.status


def stranger(relay, kind):
    """Posts one envelope of `kind` built from the public page alone, as a stranger could."""
    token, keys, digest = public_page(relay)
    text = f"stranger {kind}".encode()
    fields = {
        "no set": [(0x01, text)],
        "unknown set": [(0x01, text), (0x90, bytes(range(32)))],
        "no message field": [(0x03, b"Leeds"), (0x90, digest)],
        "short canary": [(0x01, text), (0x90, digest), (0x91, b"12345")],
        "good": [(0x01, text), (0x90, digest)],
    }[kind]
    status = post_envelope(relay, seal_envelope(keys, record(fields)), token)
    assert status == 200, f"the relay did not store the stranger's {kind} envelope: {status}"


def test_a_strangers_envelopes_never_stop_delivery_for_chair_or_deputy(relay_factory):
    # A small quota: a stranger's envelopes that stopped the pull would keep it full.
    relay = relay_factory(deputies=("deputy",), max_stored_envelopes=8, proof_of_work_bits=PROOF_BITS,
                          client_burst=100)
    deputy = relay.deputy_identity("deputy")
    assert submit(relay, "first person") == 200
    stranger(relay, "no set")
    assert submit(relay, "second person") == 200
    stranger(relay, "unknown set")
    stranger(relay, "no message field")
    assert submit(relay, "third person") == 200
    stranger(relay, "short canary")
    assert submit(relay, "fourth person") == 200
    assert stored_rows(relay) == 8

    for identity in (None, deputy):
        said = pull(relay, identity=identity)
        assert "pulled 4 new messages" in said, said
        # Each named once, by number and receipt code, with a plain reason and who could have sent it.
        assert re.search(r"set aside message 2 \(receipt [0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}, the relay's "
                         r"envelope 2\): it does not say which recipients set it was sealed to", said), said
        assert "set aside message 4 (receipt " in said and "names a recipients set the group's chair never signed" in said
        assert "set aside message 5 (receipt " in said and "is not a well-formed submission: the message field is missing" in said
        assert "set aside message 7 (receipt " in said and "the canary field is not 16 bytes" in said, said
        assert said.count("Anyone who can use the public form could have sent it") == 4, said
        assert "may be sealing" not in said, said
        assert "--accept-break" not in said, said
        shown = listed(relay, identity=identity)
        for person in ("first person", "second person", "third person", "fourth person"):
            assert person in shown, shown
        assert "stranger" not in shown, shown
        assert "4 envelopes were set aside and are not listed ('chair list --set-aside')" in \
            relay.chair("list", identity=identity).stderr.decode()
        aside = relay.chair("list", "--set-aside", identity=identity).stdout.decode()
        assert [line.split()[0] for line in aside.splitlines()[1:]] == ["*2", "*4", "*5", "*7"], aside
        read = relay.chair("read", "2", identity=identity).stdout.decode()
        assert "This envelope was set aside: it does not say which recipients set" in read, read
        assert "Nothing below is verified" in read and "stranger no set" in read, read
        # The next pull says nothing more of them.
        again = pull(relay, identity=identity)
        assert "set aside" not in again and "pulled 0 new messages" in again, again
    # Both readers acknowledged past them: the relay holds nothing, and takes people again.
    assert stored_rows(relay) == 0
    assert submit(relay, "fifth person") == 200
    # Statistics and contact lists never count them.
    stats = json.loads(relay.chair("stats", "--json", "--threshold", "1").stdout.decode())
    assert {row["kind"]: row["count"] for row in stats["byKind"]}.get("message") == 4, stats
    # A backup restored on another computer carries them, still set aside.
    backup = relay.folder / "usb" / "backup.chair"
    relay.chair("backup", str(backup))
    elsewhere = relay.folder / "new-laptop" / "identity"
    relay.chair("restore", str(backup), identity=elsewhere)
    aside = relay.chair("list", "--set-aside", identity=elsewhere).stdout.decode()
    assert [line.split()[0] for line in aside.splitlines()[1:]] == ["2", "*4", "*5", "*7"], aside
    assert "stranger" not in relay.chair("list", identity=elsewhere).stdout.decode()


def test_when_most_of_what_arrives_is_set_aside_the_pull_says_the_relay_may_be_sealing_elsewhere(relay_factory):
    relay = relay_factory(proof_of_work_bits=PROOF_BITS, client_burst=100)
    # One stranger among people: noise, said plainly, no alarm.
    assert submit(relay, "a person") == 200
    stranger(relay, "no set")
    assert submit(relay, "another person") == 200
    said = pull(relay)
    assert "set aside message 2" in said and "may be sealing" not in said, said
    # Then two more in a row: still below the threshold, across pulls.
    stranger(relay, "unknown set")
    stranger(relay, "no set")
    said = pull(relay)
    assert "set aside message 4" in said and "may be sealing" not in said, said
    # The third in a row (as when the relay seals every message elsewhere from some point on).
    stranger(relay, "unknown set")
    said = pull(relay)
    assert "the last 3 envelopes in a row were set aside or could not be opened" in said, said
    assert "this pull brought" not in said, said  # one envelope of one is not "most of a pull"
    assert "The relay itself may be sealing messages to keys other than the group's" in said, said
    assert "'chair verify-relay' and 'chair canary send'" in said, said
    # A person's message that passes every check ends the run: no warning after it.
    assert submit(relay, "a person again") == 200
    said = pull(relay)
    assert "may be sealing" not in said, said
    # Most of one pull, though not in a row at its end.
    for _ in range(3):
        stranger(relay, "no set")
    assert submit(relay, "and again") == 200
    said = pull(relay)
    assert "3 of the 4 envelopes this pull brought were set aside or could not be opened" in said, said
    assert "may be sealing" in said, said


def test_chair_open_never_shows_a_canary_or_a_broken_record_as_a_message(relay, tmp_path):
    token, keys, digest = public_page(relay)
    canary = tmp_path / "canary.envelope"
    canary.write_bytes(seal_envelope(keys, record([(0x01, b"looks like a person"), (0x90, digest),
                                                   (0x91, bytes(16))])))
    result = relay.chair("open", str(canary))
    assert result.returncode == 0
    assert "looks like a person" not in result.stdout.decode(), result.stdout.decode()
    assert "is a delivery canary (a reader's test message), not a person's message" in result.stderr.decode()
    broken = tmp_path / "broken.envelope"
    broken.write_bytes(seal_envelope(keys, record([(0x01, b"short canary"), (0x90, digest), (0x91, b"12345")])))
    result = relay.chair("open", str(broken), check=False)
    assert result.returncode != 0 and "short canary" not in result.stdout.decode()
    assert "the canary field is not 16 bytes" in result.stderr.decode(), result.stderr.decode()
    person = tmp_path / "person.envelope"
    person.write_bytes(seal_envelope(keys, record([(0x01, b"a person's words"), (0x90, digest)])))
    assert "a person's words" in relay.chair("open", str(person)).stdout.decode()


def test_newcomers_get_through_a_flood_of_valid_posts_from_many_addresses(relay_factory):
    """Thirty addresses each post valid forms as fast as they can, draining the intake budget;
    twenty people posting for the first time during the flood still get through, since the last
    quarter of the intake is kept for newcomers (ClientRateLimiter)."""
    relay = relay_factory(client_address_header="X-Forwarded-For", client_burst=10,
                          client_submissions_per_hour=60, intake_burst=100, intake_submissions_per_minute=30)
    connection = http.client.HTTPConnection("127.0.0.1", port_of(relay.address), timeout=10)

    def post(address, text):
        connection.request("GET", "/", headers={"X-Forwarded-For": address})
        page = connection.getresponse().read().decode()
        token = re.search(r'name="form_token" value="([^"]+)"', page).group(1)
        connection.request("POST", "/submit", body=urllib.parse.urlencode({"form_token": token, "message": text}),
                           headers={"Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-For": address})
        response = connection.getresponse()
        response.read()
        return response.status

    flooders = [f"198.51.100.{index}" for index in range(1, 31)]
    flood = [post(flooders[index % 30], "flood") for index in range(300)]
    newcomers = []
    for index in range(20):
        newcomers.append(post(f"203.0.113.{index + 1}", f"a newcomer {index}"))
        flood += [post(flooders[(index * 5 + step) % 30], "flood") for step in range(5)]
    accepted = newcomers.count(200)
    print(f"newcomers accepted during the flood: {accepted} of 20; flood posts accepted: {flood.count(200)} "
          f"of {len(flood)}")
    assert accepted == 20, newcomers
    assert flood.count(200) <= 90, flood.count(200)
    connection.close()
