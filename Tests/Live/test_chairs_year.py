"""The chair's year with a live relay and the real `chair`: backups restored on another computer,
a new passphrase, deleting what has been kept long enough, handing over to the next chair, two
pulls at once, and one unlock per sitting."""
import fcntl
import os
import re
import select
import subprocess
import time
import http.client
import urllib.parse

from conftest import BIN, PASSPHRASE
from test_delivery import port_of, pull, stored_rows, submit

NEW_PASSPHRASE = "lantern orbit pebble walnut cinder"


def submit_contact_request(relay, text, details):
    connection = http.client.HTTPConnection("127.0.0.1", port_of(relay.address), timeout=10)
    connection.request("GET", "/")
    token = re.search(r'name="form_token" value="([^"]+)"', connection.getresponse().read().decode()).group(1)
    body = urllib.parse.urlencode({"form_token": token, "message": text, "wants_contact": "yes",
                                   "contact_method": "email", "contact_details": details})
    connection.request("POST", "/submit", body=body, headers={"Content-Type": "application/x-www-form-urlencoded"})
    response = connection.getresponse()
    page = response.read().decode()
    connection.close()
    assert response.status == 200, page
    return re.search(r"[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}", page).group(0)


def chair(relay, *arguments, identity=None, env=None, stdin=b"", wrapper=()):
    """Runs `chair` as relay.chair does, with extra environment and an optional wrapper (faketime)."""
    full = dict(os.environ, BLIND_RELAY_PASSPHRASE=PASSPHRASE, SWIFT_BACKTRACE="enable=no")
    full.update(env or {})
    return subprocess.run([*wrapper, str(BIN / "chair"), *arguments, "--identity", str(identity or relay.identity)],
                          env=full, input=stdin, capture_output=True, timeout=120)


def said(result):
    return result.stdout.decode() + result.stderr.decode()


def test_a_backup_restored_on_another_computer_carries_on_pulling(relay_factory):
    relay = relay_factory()
    for index in range(2):
        assert submit(relay, f"before the backup {index}") == 200
    submit_contact_request(relay, "Please email me about the bus", "rider@example.org")
    pull(relay)
    relay.chair("status", "3", "in-progress")
    relay.chair("note", "3", "Emailed on Monday; waiting")
    backup = relay.folder / "usb" / "backup.chair"
    made = relay.chair("backup", str(backup))
    assert "backed up your identity and 3 messages" in made.stderr.decode(), made.stderr.decode()
    data = backup.read_bytes()
    assert backup.stat().st_mode & 0o777 == 0o600
    for canary in [b"before the backup", b"rider@example.org", b"Emailed on Monday", b"SQLite format"]:
        assert canary not in data, canary
    assert relay.chair("backup", str(backup), check=False).returncode != 0  # never overwrites

    # The old laptop pulls once more after the backup, then is lost.
    assert submit(relay, "only the lost laptop had this") == 200
    assert "pulled 1 new message" in pull(relay)
    assert stored_rows(relay) == 0
    assert submit(relay, "after the laptop was lost") == 200

    new_home = relay.folder / "new-laptop"
    new_identity = new_home / "identity"
    wrong = chair(relay, "restore", str(backup), identity=new_identity, env={"BLIND_RELAY_PASSPHRASE": "wrong words"})
    assert wrong.returncode != 0 and "the passphrase is wrong" in wrong.stderr.decode()
    assert not new_identity.exists() and not (new_home / "messages.sqlite").exists()
    restored = chair(relay, "restore", str(backup), identity=new_identity)
    assert restored.returncode == 0, said(restored)
    assert "hint: run 'chair pull'" in restored.stderr.decode()
    again = chair(relay, "restore", str(backup), identity=new_identity)
    assert again.returncode != 0 and "restore never overwrites" in again.stderr.decode()

    # The store remembers the relay: no --relay needed; the lost laptop's envelope is named.
    carried = chair(relay, "pull", identity=new_identity)
    assert carried.returncode == 0, said(carried)
    text = carried.stderr.decode()
    assert "envelope 4 was pulled by another copy of this store after the backup" in text, text
    assert "pulled 1 new message" in text
    listed = chair(relay, "list", identity=new_identity).stdout.decode()
    assert listed.count("before the backup") == 2 and "after the laptop was lost" in listed
    assert "only the lost laptop had this" not in listed
    assert len([line for line in listed.splitlines()[1:] if line.strip()]) == 4
    read = chair(relay, "read", "3", identity=new_identity).stdout.decode()
    assert "Emailed on Monday; waiting" in read and "status: in progress" in read
    # A second pull finds nothing more and says nothing more.
    quiet = chair(relay, "pull", identity=new_identity)
    assert "pulled 0 new messages" in quiet.stderr.decode() and "another copy" not in quiet.stderr.decode()


def test_passwd_replaces_the_passphrase_and_nothing_else(relay_factory):
    relay = relay_factory()
    assert submit(relay, "kept across the change") == 200
    pull(relay)
    before = relay.identity.read_bytes()
    weak = chair(relay, "passwd", env={"BLIND_RELAY_NEW_PASSPHRASE": "password"})
    assert weak.returncode != 0 and "the passphrase was not changed" in weak.stderr.decode()
    same = chair(relay, "passwd", env={"BLIND_RELAY_NEW_PASSPHRASE": PASSPHRASE})
    assert same.returncode != 0 and "the new passphrase is the one you have" in same.stderr.decode()
    assert relay.identity.read_bytes() == before
    changed = chair(relay, "passwd", env={"BLIND_RELAY_NEW_PASSPHRASE": NEW_PASSPHRASE})
    assert changed.returncode == 0, said(changed)
    assert "backups made before still open with the old passphrase" in changed.stderr.decode()
    assert relay.identity.read_bytes() != before and relay.identity.stat().st_mode & 0o777 == 0o600
    assert not (relay.identity.parent / "identity.new").exists()
    old = chair(relay, "list")
    assert old.returncode != 0 and "the passphrase is wrong" in old.stderr.decode()
    new = chair(relay, "list", env={"BLIND_RELAY_PASSPHRASE": NEW_PASSPHRASE})
    assert new.returncode == 0 and "kept across the change" in new.stdout.decode()
    # The same keys: the relay still takes this chair's pull.
    assert submit(relay, "after the change") == 200
    assert "pulled 1 new message" in chair(relay, "pull", env={"BLIND_RELAY_PASSPHRASE": NEW_PASSPHRASE}).stderr.decode()


def sealed_rows(store):
    import sqlite3
    from contextlib import closing
    with closing(sqlite3.connect(f"file:{store}?mode=ro", uri=True)) as db:
        return dict(db.execute("SELECT number, sealed FROM sealed_message").fetchall())


def holds(path, blob):
    """Whether any 48-byte piece of `blob` is in the file: a row that was only partly kept still counts."""
    data = path.read_bytes() if path.exists() else b""
    return any(blob[start:start + 48] in data for start in range(0, len(blob) - 48, 512))


def test_purge_deletes_exactly_what_it_names_and_leaves_no_copy_in_the_file_or_its_wal(relay_factory):
    relay = relay_factory()
    for index in range(3):
        assert submit(relay, f"plain message {index}") == 200
    receipt = submit_contact_request(relay, "Please contact me", "person@example.org")
    pull(relay)
    relay.chair("status", "1", "closed")
    relay.chair("status", "4", "closed")
    store = relay.identity.parent / "messages.sqlite"
    wal = store.parent / "messages.sqlite-wal"
    rows = sealed_rows(store)
    assert all(holds(store, blob) or holds(wal, blob) for blob in rows.values())  # the scan can find rows

    in_a_year = ("faketime", "-f", "+400d")
    young = chair(relay, "purge", "--older-than", "2y", wrapper=in_a_year)
    assert young.returncode == 0 and "nothing was deleted" in young.stderr.decode()
    kept = chair(relay, "purge", "--older-than", "1y", "--status", "closed", wrapper=in_a_year, stdin=b"no\n")
    assert kept.returncode != 0 and "nothing was deleted" in kept.stderr.decode()
    assert "2 messages with status closed" in kept.stderr.decode() and "  1, 4\n" in kept.stderr.decode()
    assert len(sealed_rows(store)) == 4
    purged = chair(relay, "purge", "--older-than", "1y", "--status", "closed", wrapper=in_a_year,
                   stdin=b"delete\n")
    assert purged.returncode == 0, said(purged)
    assert "1 of them is a contact request with a person's contact details" in purged.stderr.decode()
    assert "deleted 2 messages" in purged.stderr.decode()
    assert sorted(sealed_rows(store)) == [2, 3]
    for number in (1, 4):
        assert not holds(store, rows[number]) and not holds(wal, rows[number]), number
    for number in (2, 3):
        assert holds(store, rows[number]) or holds(wal, rows[number])
    for canary in [b"person@example.org", b"Please contact me"]:
        assert canary not in store.read_bytes()

    # The counts stay; the caller's code is still known to have arrived.
    stats = chair(relay, "stats", "--threshold", "1", "--json").stdout.decode()
    assert '"requests" : 1' in stats and '"count" : 3' in stats, stats
    found = chair(relay, "find", receipt)
    assert found.returncode == 0 and "has since been deleted" in found.stdout.decode()
    one = chair(relay, "delete", "2", "--yes")
    assert one.returncode == 0 and "message 2: message" in one.stderr.decode()
    assert sorted(sealed_rows(store)) == [3]
    missing = chair(relay, "delete", "9", "--yes")
    assert missing.returncode != 0 and "there is no message 9" in missing.stderr.decode()


def test_unread_marks_and_times_in_the_chairs_time_zone(relay_factory):
    relay = relay_factory()
    assert submit(relay, "first") == 200
    assert submit(relay, "second") == 200
    pull(relay)
    new_york = {"TZ": "America/New_York"}
    listed = chair(relay, "list", env=new_york)
    assert "Received (America/New_York)" in listed.stdout.decode()
    assert re.search(r"^\*1 ", listed.stdout.decode(), re.M) and re.search(r"^\*2 ", listed.stdout.decode(), re.M)
    assert "marks the 2 messages not read yet" in listed.stderr.decode()
    read = chair(relay, "read", "1", env=new_york).stdout.decode()
    assert re.search(r"Received: +\d{4}-\d\d-\d\d, between \d\d:00 and \d\d:00 GMT-[45] \(America/New_York\)", read), read
    after = chair(relay, "list", env={"TZ": "Europe/London"}).stdout.decode()
    assert re.search(r"^1 ", after, re.M) and re.search(r"^\*2 ", after, re.M)
    assert "Received (Europe/London)" in after
    history = chair(relay, "read", "1", env={"TZ": "Asia/Tokyo"}).stdout.decode()
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d GMT\+9  first read", history), history


def test_two_pulls_at_once_take_turns(relay_factory):
    relay = relay_factory()
    for index in range(3):
        assert submit(relay, f"message {index}") == 200
    pull(relay)
    assert submit(relay, "one more") == 200
    store = relay.identity.parent / "messages.sqlite"
    with open(store, "rb") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # as a first pull holds it
        env = dict(os.environ, BLIND_RELAY_PASSPHRASE=PASSPHRASE, SWIFT_BACKTRACE="enable=no")
        second = subprocess.Popen([str(BIN / "chair"), "pull", "--identity", str(relay.identity)], env=env,
                                  stderr=subprocess.PIPE, stdout=subprocess.PIPE)
        waited = b""
        deadline = time.monotonic() + 60
        while b"waiting for it to finish" not in waited and time.monotonic() < deadline:
            ready, _, _ = select.select([second.stderr], [], [], 1)
            if ready:
                waited += os.read(second.stderr.fileno(), 4096)
        assert b"another 'chair pull' into this store is running; waiting for it to finish" in waited, waited
        time.sleep(1)
        assert second.poll() is None  # still waiting
    _, rest = second.communicate(timeout=60)
    assert second.returncode == 0, rest.decode()
    assert "pulled 1 new message" in rest.decode()
    assert len(sealed_rows(store)) == 4


def test_the_shell_unlocks_once_holds_the_key_in_locked_memory_and_wipes_it(relay_factory):
    relay = relay_factory()
    assert submit(relay, "read in the shell") == 200
    pull(relay)
    read_end, write_end = os.pipe()
    os.write(write_end, PASSPHRASE.encode() + b"\n")
    os.close(write_end)
    env = dict(os.environ, SWIFT_BACKTRACE="enable=no")
    env.pop("BLIND_RELAY_PASSPHRASE", None)
    shell = subprocess.Popen([str(BIN / "chair"), "shell", "--passphrase-fd", str(read_end), "--idle-minutes", "0.05",
                              "--identity", str(relay.identity)], env=env, stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, pass_fds=(read_end,))
    os.close(read_end)
    # Every command after the one unlock finds the key: the passphrase was given once only.
    shell.stdin.write(b"list\nchair read 1\nnote 1 'Rang at 14:10; no answer'\nread 1\nhelp retention\n"
                      b"init\nstatus 1 finished\ndelete 1\nno\nread 1\n")
    shell.stdin.flush()
    time.sleep(1)
    status = open(f"/proc/{shell.pid}/status").read()
    locked = int(re.search(r"VmLck:\s+(\d+) kB", status).group(1))
    assert locked >= 4, status  # the key's pages are locked in memory
    # Left idle (stdin still open): the keys are wiped and the shell ends by itself.
    shell.wait(timeout=60)
    out, err = shell.communicate(timeout=10)
    out, err = out.decode(), err.decode()
    assert shell.returncode == 0, err
    assert out.count("read in the shell") >= 2 and "note: Rang at 14:10; no answer" in out
    assert "OVERVIEW: Show or set how long you keep messages" in out
    assert "'init' cannot run in the shell" in err and "'finished' is not a status" in err
    # A confirmation is read from the same input, and the line after it is a command again.
    assert "nothing was deleted" in err and out.count("read in the shell") >= 3
    assert "keys wiped after 3 seconds without a command" in err
    assert "no passphrase was given" not in err and "passphrase is wrong" not in err


def test_a_handover_passes_the_role_and_the_open_requests_and_the_old_chair_reads_nothing_new(relay_factory):
    relay = relay_factory(deputies=("Incoming", "Other"))
    incoming = relay.deputy_identity("Incoming")
    other = relay.deputy_identity("Other")
    submit_contact_request(relay, "Please email me, first", "first@example.org")
    submit_contact_request(relay, "Please email me, second", "second@example.org")
    submit_contact_request(relay, "Already answered", "third@example.org")
    assert submit(relay, "a plain message") == 200
    pull(relay)
    relay.chair("note", "1", "Emailed twice, no answer yet")
    relay.chair("status", "2", "in-progress")
    relay.chair("status", "3", "contacted")
    assert "pulled 4 new messages" in pull(relay, identity=incoming)
    assert "pulled 4 new messages" in pull(relay, identity=other)
    recipients_set = str(relay.recipient_set)

    # Only a deputy in the set can be handed over to.
    nobody = chair(relay, "handover", "export", "--to", "Stranger", "--set", recipients_set,
                   "--output", str(relay.folder / "x.chair"))
    assert nobody.returncode != 0 and "Stranger is not a deputy" in nobody.stderr.decode()
    handover = relay.folder / "handover.chair"
    exported = chair(relay, "handover", "export", "--to", "Incoming", "--set", recipients_set,
                     "--output", str(handover))
    assert exported.returncode == 0, said(exported)
    assert "wrote 2 open contact requests" in exported.stderr.decode()
    assert b"first@example.org" not in handover.read_bytes()
    # Not even the outgoing chair can open it.
    own = chair(relay, "handover", "import", str(handover), "--set", recipients_set)
    assert own.returncode != 0 and "was not sealed to you" in own.stderr.decode()

    imported = chair(relay, "handover", "import", str(handover), "--set", recipients_set, identity=incoming)
    assert imported.returncode == 0, said(imported)
    assert "took in 2 open contact requests" in imported.stderr.decode()
    assert "2 already here, now with their history, and 0 added" in imported.stderr.decode()
    contacts = chair(relay, "contacts", identity=incoming).stdout.decode()
    assert "first@example.org" in contacts and "second@example.org" in contacts
    assert "Emailed twice, no answer yet" in chair(relay, "read", "1", identity=incoming).stdout.decode()
    assert "status: in progress" in chair(relay, "read", "2", identity=incoming).stdout.decode()

    took = chair(relay, "handover", "take-over", "--set", recipients_set, "--name", "New chair", identity=incoming)
    assert took.returncode == 0, said(took)
    shown = subprocess.run([str(BIN / "chair"), "recipients", "show", "--set", recipients_set],
                           capture_output=True, timeout=30).stdout.decode()
    assert "recipients set 4, signed by New chair" in shown and "deputy: Other" in shown, shown
    assert "chair: New chair" in shown and "Chair," not in shown
    # Police IT install the new set, and take out the old chair's key file, which the relay
    # would otherwise refuse to start beside a set without it.
    relay.stop()
    (relay.keys / "chair.pub").unlink()
    relay.start()
    assert submit(relay, "after the handover") == 200

    new_chair = pull(relay, identity=incoming)
    assert "you are now the group's chair" in new_chair and "pulled 1 new message" in new_chair, new_chair
    assert "after the handover" in chair(relay, "list", identity=incoming).stdout.decode()
    # The other deputy stays, and its store follows the new chair, saying so once.
    followed = pull(relay, identity=other)
    assert "the chair's role passed from Chair" in followed and "to New chair" in followed, followed
    assert "check with them both that this was a handover" in followed
    assert "the chair's role passed" not in pull(relay, identity=other)
    # The old chair: nothing new is sealed to it, and the relay no longer serves it.
    old_chair = chair(relay, "pull")
    assert old_chair.returncode != 0
    assert "you handed the chair's role to New chair, whose recipients set 4 the relay now uses" in \
        old_chair.stderr.decode(), said(old_chair)
    assert "after the handover" not in chair(relay, "list").stdout.decode()
    # The old chair clears its store.
    cleared = chair(relay, "purge", "--all", "--yes")
    assert cleared.returncode == 0 and "deleted 4 messages" in cleared.stderr.decode(), said(cleared)


def test_a_deputy_who_takes_over_without_a_handover_is_refused_by_the_chairs_store(relay_factory):
    relay = relay_factory(deputies=("Deputy",))
    assert submit(relay, "before") == 200
    pull(relay)
    deputy = relay.deputy_identity("Deputy")
    took = chair(relay, "handover", "take-over", "--set", str(relay.recipient_set), identity=deputy)
    assert took.returncode == 0, said(took)
    relay.stop()
    (relay.keys / "chair.pub").unlink()
    relay.start()
    refused = chair(relay, "pull", "--relay", relay.address)
    assert refused.returncode != 0
    assert "you did not hand the chair's role to them" in refused.stderr.decode(), said(refused)
    # A chair who is not in the set cannot take over at all.
    outsider = relay.folder / "outsider" / "identity"
    relay.chair("init", identity=outsider)
    denied = chair(relay, "handover", "take-over", "--set", str(relay.recipient_set), identity=outsider)
    assert denied.returncode != 0 and "you are not a deputy" in denied.stderr.decode()
