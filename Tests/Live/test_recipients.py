"""The signed recipients set against a host who edits the keys folder, with live relays and the
real `chair`: the relay seals only to the set the chair signed, and every way the host can change
who reads new messages without the chair's key is named by the relay's start or the chair's pull."""
import shutil
import subprocess

from conftest import BIN
from test_delivery import pull, submit


def failed_pull(relay, identity=None):
    result = relay.chair("pull", "--relay", relay.address, identity=identity, check=False)
    assert result.returncode != 0, result.stderr.decode()
    return result.stderr.decode()


def relay_start_refusal(relay):
    """Starts the relay on its folders, expecting a refusal; returns what it said."""
    result = subprocess.run([str(BIN / "relay")], env=relay.env, capture_output=True, timeout=60,
                            stdin=subprocess.DEVNULL)
    assert result.returncode != 0
    return result.stderr.decode() + result.stdout.decode()


def test_the_relay_refuses_a_key_file_or_a_set_the_chair_did_not_sign(relay_factory):
    relay = relay_factory()
    relay.stop()
    # A key file dropped beside the set: configuration that would once have been sealed to.
    relay.chair("init", identity=relay.folder / "host" / "identity")
    relay.chair("export", "--name", "Host", "--output", str(relay.keys / "host.pub"),
                identity=relay.folder / "host" / "identity")
    said = relay_start_refusal(relay)
    assert "host.pub is not in the chair's signed recipients.set" in said, said
    # The host's key written into the set itself: the chair's signature no longer holds.
    host_key = (relay.keys / "host.pub").read_text().splitlines()
    (relay.keys / "host.pub").unlink()
    text = relay.recipient_set.read_text()
    block = "recipient: deputy\n" + "\n".join(line for line in host_key[1:4]) + "\n"
    relay.recipient_set.write_text(text.replace("signature: ", block + "signature: "))
    said = relay_start_refusal(relay)
    assert "it was changed after the chair signed it" in said, said
    # No set at all.
    relay.recipient_set.unlink()
    said = relay_start_refusal(relay)
    assert "there is no readable recipients.set" in said and "chair recipients create" in said, said


def test_a_set_the_host_signed_with_its_own_key_stops_the_chairs_pull(relay_factory):
    relay = relay_factory()
    assert submit(relay, "before the host's change") == 200
    assert "pulled 1 new message" in pull(relay)
    # The host makes a set of its own: itself as "chair", the real chair as a deputy, so the
    # chair can still sign in. The relay starts, as it would with any validly signed set.
    relay.stop()
    host = relay.folder / "host" / "identity"
    relay.chair("init", identity=host)
    chair_key = relay.keys / "chair.pub"
    relay.recipient_set.unlink()
    relay.chair("recipients", "create", "--name", "Host", "--set", str(relay.recipient_set), identity=host)
    relay.chair("recipients", "add", str(chair_key), "--set", str(relay.recipient_set), identity=host)
    relay.start()
    assert submit(relay, "after the host's change") == 200
    said = failed_pull(relay)
    assert "the relay seals to recipients set 2 signed by Host" in said, said
    assert "someone other than the group's chair chose who can read new messages" in said, said
    assert "nothing was fetched or changed" in said, said
    assert "after the host's change" not in relay.chair("list").stdout.decode()


def test_a_relay_put_back_on_an_older_set_is_named_with_who_else_could_read(relay_factory):
    relay = relay_factory(deputies=("deputy",))
    older = relay.folder / "set-with-deputy"
    shutil.copy(relay.recipient_set, older)
    # The deputy's first pull trusts the chair who signed the set, and says so.
    said = pull(relay, relay.deputy_identity("deputy"))
    assert "this store is new, so it now trusts the recipients sets signed by Chair, fingerprint" in said, said
    # The chair removes the deputy; the host installs the new set.
    relay.stop()
    relay.chair("recipients", "remove", "deputy", "--set", str(relay.recipient_set))
    (relay.keys / "deputy.pub").unlink()
    relay.start()
    assert submit(relay, "sealed to the chair alone") == 200
    assert "pulled 1 new message" in pull(relay)
    # The host puts the older set back: the relay starts (the chair did sign it once).
    relay.stop()
    shutil.copy(older, relay.recipient_set)
    relay.start()
    assert submit(relay, "sealed to the old set again") == 200
    # Anyone could post an envelope naming the old set, so it never stops the pull: it is set
    # aside, named with its reason, and what the relay serves is warned about.
    said = pull(relay)
    assert "the relay seals to recipients set 2, but set 3 was signed since, which also lets deputy (deputy) read it" \
        in said, said
    assert "set aside message 2 (receipt " in said, said
    assert "was sealed to recipients set 2 after set 3 was already in use, which also lets deputy (deputy) read it" \
        in said, said
    assert "sealed to the old set again" not in relay.chair("list").stdout.decode()
    listed = relay.chair("list", "--set-aside").stdout.decode()
    assert "set aside" in listed and "unverified" in listed, listed
    shown = relay.chair("read", "2").stdout.decode()
    assert "This envelope was set aside" in shown and "Nothing below is verified" in shown, shown
    assert "sealed to the old set again" in shown, shown


def test_only_the_chair_who_signed_the_set_can_change_it(relay_factory):
    relay = relay_factory(deputies=("deputy",))
    before = relay.recipient_set.read_bytes()
    result = relay.chair("recipients", "remove", "deputy", "--set", str(relay.recipient_set),
                         identity=relay.deputy_identity("deputy"), check=False)
    assert result.returncode != 0
    assert "is signed by Chair, not by this identity" in result.stderr.decode(), result.stderr.decode()
    result = relay.chair("recipients", "remove", "Chair", "--set", str(relay.recipient_set), check=False)
    assert result.returncode != 0 and "the chair cannot be removed" in result.stderr.decode()
    assert relay.recipient_set.read_bytes() == before
    # Anyone can check a set: no identity, no passphrase.
    shown = subprocess.run([str(BIN / "chair"), "recipients", "show", "--set", str(relay.recipient_set)],
                           capture_output=True, check=True, timeout=60).stdout.decode()
    assert shown.startswith("recipients set 2, signed by Chair:\n  chair: Chair, fingerprint "), shown
    assert "\n  deputy: deputy, fingerprint " in shown, shown
