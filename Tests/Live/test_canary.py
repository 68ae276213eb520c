"""Delivery canaries against live relays and the real `chair`: a canary goes through the public
form as a person's browser-sealed message does, is set aside by every reader's pull, and one
deleted after the relay gave it a receipt is named."""
import sqlite3
from contextlib import closing

from test_delivery import pull, submit


def envelope_lengths(relay):
    path = relay.folder / "relay" / "data" / "envelopes.sqlite"
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        return [row[0] for row in db.execute("SELECT length(envelope) FROM envelope ORDER BY sequence")]


def send_canary(relay):
    result = relay.chair("canary", "send", "--relay", relay.address, "--wait", "0")
    said = result.stderr.decode()
    assert "sent a canary; the relay gave it the receipt code" in said, said
    return said


def test_a_canary_looks_like_a_message_and_every_reader_sets_it_aside(relay_factory):
    relay = relay_factory(deputies=("deputy",))
    deputy = relay.deputy_identity("deputy")
    send_canary(relay)
    status = relay.chair("canary", "status").stdout.decode()
    assert "canary 1: sent " in status and "not yet pulled" in status, status
    assert submit(relay, "a person's message") == 200
    # Sealed to the same two people, padded to a size class like any message.
    small, medium = 7 + 2 * 80 + 16 + 4096, 7 + 2 * 80 + 16 + 16384
    canary_length, message_length = envelope_lengths(relay)
    assert message_length == small and canary_length in (small, medium)

    said = pull(relay)
    assert "pulled 1 new message" in said and "1 of your canaries arrived, and is kept out of your messages" in said, said
    listed = relay.chair("list").stdout.decode()
    assert "a person's message" in listed and len(listed.strip().splitlines()) == 2, listed
    status = relay.chair("canary", "status").stdout.decode()
    assert "arrived as the relay's envelope 1" in status, status
    said = pull(relay, deputy)
    assert "pulled 1 new message" in said and "1 canary of another reader was set aside" in said, said


def test_a_canary_deleted_after_its_receipt_is_named_missing(relay_factory):
    relay = relay_factory()
    assert submit(relay, "before") == 200
    assert "pulled 1 new message" in pull(relay)
    said = send_canary(relay)
    receipt = said.split("receipt code ")[1].split()[0]
    # The host deletes the newest row: no break in the chain could show it.
    path = relay.folder / "relay" / "data" / "envelopes.sqlite"
    with closing(sqlite3.connect(path)) as db:
        db.execute("DELETE FROM envelope WHERE sequence = (SELECT max(sequence) FROM envelope)")
        db.commit()
    said = pull(relay)
    assert "pulled 0 new messages" in said, said
    assert f"your canary with receipt {receipt} was not found: the relay gave it a receipt and then lost it " \
           "without a trace in its history" in said, said
    result = relay.chair("canary", "status", check=False)
    assert result.returncode != 0
    assert f"receipt {receipt}: MISSING" in result.stdout.decode()
    assert "1 canary message never arrived" in result.stderr.decode()
