"""Restores and recreations of the relay's store, with live relays and the real `chair`: the relay
recognises a store put back from `relay backup` (its high-water mark is kept outside the
database), never issues a sequence number twice, and every chair's next pull names exactly the
numbers that went, deletes nothing it did not fetch, and carries on."""
import shutil
import subprocess

from test_delivery import pull, stored_rows, submit


def backup(relay, name):
    """`relay backup` while the relay runs; returns the copy's path."""
    path = relay.folder / name
    result = subprocess.run([str(relay_binary()), "backup", str(path)], env=relay.env, capture_output=True,
                            timeout=60, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr.decode()
    return path


def relay_binary():
    from conftest import BIN
    return BIN / "relay"


def restore(relay, copy):
    """The documented restore: stop, put the copy in place, remove the WAL, start."""
    relay.stop()
    data = relay.folder / "relay" / "data"
    shutil.copy(copy, data / "envelopes.sqlite")
    for suffix in ("-wal", "-shm"):
        (data / f"envelopes.sqlite{suffix}").unlink(missing_ok=True)
    relay.start()


def sequences(relay):
    import sqlite3
    from contextlib import closing
    path = relay.folder / "relay" / "data" / "envelopes.sqlite"
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        return [row[0] for row in db.execute("SELECT sequence FROM envelope ORDER BY sequence")]


def listed(relay, identity=None):
    return relay.chair("list", identity=identity).stdout.decode()


def test_a_backup_from_before_a_pull_restored_loses_nothing_and_numbering_goes_on(relay_factory):
    relay = relay_factory()
    for index in range(1, 4):
        assert submit(relay, f"message {index}") == 200
    copy = backup(relay, "before-the-pull.sqlite")
    for index in range(4, 6):
        assert submit(relay, f"message {index}") == 200
    assert "pulled 5 new messages" in pull(relay)
    assert stored_rows(relay) == 0

    restore(relay, copy)
    log = relay.log_path.read_text()
    assert "the store was put back from an earlier copy: envelopes 4 to 5 are not in it" in log, log
    assert sequences(relay) == [1, 2, 3]
    assert submit(relay, "message 6") == 200
    assert sequences(relay) == [1, 2, 3, 6]

    said = pull(relay)
    assert "the relay's store was put back from an earlier copy: envelopes 4 to 5 are not on it, " \
           "but this store had already passed them" in said, said
    assert "pulled 1 new message" in said, said
    # The rows the restore brought back had all been pulled: the acknowledgement clears them.
    assert stored_rows(relay) == 0
    text = listed(relay)
    assert all(f"message {index}" in text for index in range(1, 7)), text
    # Said once: the next pull has nothing to report.
    said = pull(relay)
    assert "put back" not in said and "pulled 0 new messages" in said, said


def test_messages_after_the_backup_that_no_one_pulled_are_named_by_number_to_each_reader(relay_factory):
    relay = relay_factory(deputies=("deputy",))
    deputy = relay.deputy_identity("deputy")
    for index in range(1, 3):
        assert submit(relay, f"message {index}") == 200
    assert "pulled 2 new messages" in pull(relay)
    copy = backup(relay, "after-the-first-pull.sqlite")
    for index in range(3, 6):
        assert submit(relay, f"message {index}") == 200
    # Before the restore the deputy has pulled 1 to 6; the chair only 1 and 2.
    assert "pulled 5 new messages" in pull(relay, deputy)
    assert submit(relay, "message 6") == 200
    assert "pulled 1 new message" in pull(relay, deputy)

    restore(relay, copy)
    assert submit(relay, "message 7") == 200
    said = pull(relay)
    assert "the relay's store was put back from an earlier copy: envelopes 3 to 6 were lost there before " \
           "this store pulled them: 4 messages that people were given receipts for" in said, said
    assert "pulled 1 new message" in said, said
    # Nothing the deputy has not fetched since the restore is gone: the copy's rows 1 and 2 (the
    # deputy had not pulled them when it was taken) and the new 7 wait for the deputy.
    assert sequences(relay) == [1, 2, 7]
    said = pull(relay, deputy)
    assert "envelopes 3 to 6 are not on it, but this store had already passed them" in said, said
    assert "pulled 1 new message" in said, said
    assert "message 7" in listed(relay) and "message 7" in listed(relay, deputy)
    assert stored_rows(relay) == 0

    # A second restore of the same copy: the numbers it lost before, and since, are named again,
    # and numbering still never goes back.
    assert submit(relay, "message 8") == 200
    restore(relay, copy)
    assert submit(relay, "message 9") == 200
    assert sequences(relay) == [1, 2, 9]
    said = pull(relay)
    assert "envelopes 3 to 7 are not on it, but this store had already passed them" in said, said
    assert "envelope 8 was lost there before this store pulled it: 1 message that people were given " \
           "receipts for" in said, said
    assert "message 9" in listed(relay)


def test_a_restore_before_anyone_pulled_is_named_to_a_new_store(relay_factory):
    relay = relay_factory()
    for index in range(1, 3):
        assert submit(relay, f"message {index}") == 200
    copy = backup(relay, "early.sqlite")
    for index in range(3, 5):
        assert submit(relay, f"message {index}") == 200
    restore(relay, copy)
    assert submit(relay, "message 5") == 200
    said = pull(relay)
    assert "envelopes 3 to 4 were lost there before this store pulled them: 2 messages" in said, said
    assert "pulled 3 new messages" in said, said
    text = listed(relay)
    assert "message 1" in text and "message 2" in text and "message 5" in text and "message 3" not in text


def test_a_data_folder_recreated_empty_is_named_and_the_new_store_followed(relay_factory):
    relay = relay_factory()
    assert submit(relay, "message 1") == 200
    assert "pulled 1 new message" in pull(relay)
    assert submit(relay, "message 2, never pulled") == 200
    relay.stop()
    shutil.rmtree(relay.folder / "relay" / "data")
    relay.start()
    assert submit(relay, "message after") == 200
    said = pull(relay)
    assert "the relay's store was recreated (it has a new identity): whatever it held after envelope 1, " \
           "which this store pulled last, is lost, and how much cannot be known" in said, said
    assert "pulled 1 new message" in said, said
    assert "message after" in listed(relay)
    assert "pulled 0 new messages" in pull(relay)


def test_a_database_removed_beside_its_high_water_mark_is_a_restore_of_nothing(relay_factory):
    relay = relay_factory()
    for index in range(1, 4):
        assert submit(relay, f"message {index}") == 200
    assert "pulled 3 new messages" in pull(relay)
    assert submit(relay, "message 4, never pulled") == 200
    relay.stop()
    data = relay.folder / "relay" / "data"
    for name in ("envelopes.sqlite", "envelopes.sqlite-wal", "envelopes.sqlite-shm"):
        (data / name).unlink(missing_ok=True)
    relay.start()
    assert submit(relay, "message 5") == 200
    assert sequences(relay) == [5]
    said = pull(relay)
    assert "envelopes 1 to 3 are not on it, but this store had already passed them" in said, said
    assert "envelope 4 was lost there before this store pulled it: 1 message" in said, said
    assert "pulled 1 new message" in said, said


def rewritten_words(said, last, again):
    assert f"the relay no longer holds envelope {last}, which this store pulled last, or holds another in its " \
           "place: its store was put back or rewritten without the relay noticing" in said, said
    assert "everything it still holds was fetched, and only what this store did not have was kept" in said, said
    assert again in said, said


def test_a_whole_data_folder_put_back_numbers_again_and_nothing_unfetched_is_deleted(relay_factory):
    relay = relay_factory()
    for index in range(1, 3):
        assert submit(relay, f"message {index}") == 200
    assert "pulled 2 new messages" in pull(relay)
    relay.stop()
    data = relay.folder / "relay" / "data"
    shutil.copytree(data, relay.folder / "data-copy")
    relay.start()
    for index in range(3, 6):
        assert submit(relay, f"message {index}") == 200
    assert "pulled 3 new messages" in pull(relay)
    # The whole folder, high-water mark and all, put back: the relay cannot tell.
    relay.stop()
    shutil.rmtree(data)
    shutil.copytree(relay.folder / "data-copy", data)
    relay.start()
    for text in ("new message A", "new message B"):
        assert submit(relay, text) == 200
    assert sequences(relay) == [3, 4]
    said = pull(relay)
    rewritten_words(said, 5, "2 of them reuse numbers this store had already passed (envelopes 3 to 4)")
    assert "pulled 2 new messages" in said, said
    text = listed(relay)
    assert "new message A" in text and "new message B" in text and "message 5" in text
    assert stored_rows(relay) == 0
    # From here on the relay's new history is followed as usual.
    assert submit(relay, "new message C") == 200
    said = pull(relay)
    assert "pulled 1 new message" in said and "no longer holds" not in said, said


def test_rows_deleted_and_numbering_restarted_by_hand_while_the_relay_runs(relay_factory):
    import sqlite3
    from contextlib import closing
    relay = relay_factory()
    for index in range(1, 4):
        assert submit(relay, f"message {index}") == 200
    assert "pulled 3 new messages" in pull(relay)
    assert submit(relay, "message 4, deleted before anyone pulled it") == 200
    path = relay.folder / "relay" / "data" / "envelopes.sqlite"
    with closing(sqlite3.connect(path)) as db:
        db.executescript("""
            DELETE FROM envelope; DELETE FROM recipient_cursor;
            UPDATE store_state SET head_sequence = 0, head_chain = zeroblob(32), acknowledged_sequence = 0,
                acknowledged_chain = zeroblob(32), stored_count = 0, stored_bytes = 0;
        """)
    assert submit(relay, "new message A") == 200
    assert sequences(relay) == [1]
    said = pull(relay)
    rewritten_words(said, 3, "1 of them reuses a number this store had already passed (envelope 1)")
    assert "pulled 1 new message" in said, said
    assert "new message A" in listed(relay)
