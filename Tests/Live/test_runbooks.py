"""docs/CHAIR.md followed literally: every ```sh block run in order, as written, by a chair in an
empty home folder with the release tarball, against a relay started from that release. Only
placeholders are substituted (VERSION, the relay's address, the receipt code a person was
given), and between blocks the test does what the guide's prose says someone else does (the
deputy sends a key file, police IT install recipients.set, a person writes in, the laptop is
lost, the incoming chair works on their own computer) and types what a person types at a
prompt.

`chair canary send` is given `--wait 0`: as written it waits 20 to 240 seconds, as a person would
before sending, which is right for a chair and too slow for `make test`."""
import os
import re
import shutil
import subprocess
import tempfile
import textwrap
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from conftest import PASSPHRASE, ROOT, launch

NEW_PASSPHRASE = "lantern orbit pebble walnut cinder"

GUIDE = ROOT / "docs" / "CHAIR.md"


def blocks(markdown):
    """The ```sh blocks, in order, without the indentation of the list items they sit in."""
    found = re.findall(r"^[ \t]*```sh\n(.*?)^[ \t]*```", markdown, re.S | re.M)
    return [textwrap.dedent(block).strip("\n") for block in found]


def submit_contact_request(address):
    page = urllib.request.urlopen(address + "/", timeout=10).read().decode()
    token = re.search(r'name="form_token" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({
        "form_token": token, "message": "Someone shouted at my daughter on the bus.", "wants_contact": "yes",
        "contact_method": "phone", "contact_details": "07700 900123", "contact_times": "after 6pm"}).encode()
    receipt = urllib.request.urlopen(urllib.request.Request(address + "/submit", data=body), timeout=10).read().decode()
    return re.search(r"[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}", receipt).group(0)


def test_the_chairs_guide_runs_as_written(packages):
    tarball, _ = packages
    version = re.search(r"blind-relay-(.+)-linux-x86_64\.tar\.gz", tarball.name).group(1)
    home = Path(tempfile.mkdtemp(prefix="blind-relay-chair-home-"))
    shutil.copy(tarball, home / tarball.name)
    env = dict(os.environ, HOME=str(home), PATH=f"{home}/.local/bin:{os.environ['PATH']}",
               BLIND_RELAY_PASSPHRASE=PASSPHRASE, SWIFT_BACKTRACE="enable=no", TMPDIR=str(home))
    env.pop("BLIND_RELAY_IDENTITY", None)
    relay = None
    substitutions = {"VERSION": version, "/media/usb": str(home / "usb")}
    deputy = ["--identity", str(home / "deputy" / "identity")]
    # The incoming chair's computer: their own keys, and the passphrase they chose.
    as_incoming_chair = {"BLIND_RELAY_IDENTITY": str(home / "deputy" / "identity"),
                         "BLIND_RELAY_PASSPHRASE": PASSPHRASE}
    try:
        def police_it_start_the_relay():
            nonlocal relay
            keys = home / "police-it" / "keys"
            keys.mkdir(parents=True, exist_ok=True)
            shutil.copy(home / "recipients.set", keys / "recipients.set")
            relay_env = dict(env, BLIND_RELAY_PORT="0", BLIND_RELAY_KEYS_DIR=str(keys),
                             BLIND_RELAY_DATA_DIR=str(home / "police-it" / "data"), BLIND_RELAY_MIN_SECONDS_ON_PAGE="0")
            if "https://contact.example.org" in substitutions:
                # Started again: on the same address, which the chairs' stores remember.
                relay.terminate()
                relay.wait(timeout=10)
                relay.log.close()
                relay_env["BLIND_RELAY_PORT"] = substitutions["https://contact.example.org"].rsplit(":", 1)[1]
            relay, log, address = launch([home / f"blind-relay-{version}-linux-x86_64" / "bin" / "relay"], relay_env,
                                         home / "police-it" / "relay.log")
            relay.log = log
            substitutions["https://contact.example.org"] = address

        def deputy_sends_a_key_file():
            deputy = ["--identity", str(home / "deputy" / "identity")]
            subprocess.run(["chair", "init", *deputy], env=env, cwd=home, check=True, capture_output=True)
            subprocess.run(["chair", "export", "--name", "Deputy", "--output", "deputy.pub", *deputy], env=env,
                           cwd=home, check=True, capture_output=True)

        def a_person_writes_in():
            substitutions["7KQX-M2PD-9HTA"] = submit_contact_request(substitutions["https://contact.example.org"])

        def the_laptop_is_lost():
            (home / ".config" / "blind-relay").rename(home / "lost-laptop")

        def the_chair_chooses_a_new_passphrase():
            env["BLIND_RELAY_NEW_PASSPHRASE"] = NEW_PASSPHRASE

        def the_new_passphrase_is_in_use():
            env["BLIND_RELAY_PASSPHRASE"] = NEW_PASSPHRASE

        def the_incoming_chair_pulls():
            # Someone else asks to be contacted, and the chair pulls as every few days; the
            # incoming chair, a deputy since section 2, pulls once on their own computer.
            submit_contact_request(substitutions["https://contact.example.org"])
            for chair, extra in [([], {}), (["--relay", substitutions["https://contact.example.org"], *deputy],
                                             as_incoming_chair)]:
                pulled = subprocess.run(["chair", "pull", *chair], env=dict(env, **extra), cwd=home,
                                        capture_output=True, text=True)
                assert pulled.returncode == 0, pulled.stderr

        before = {"chair recipients add deputy.pub": deputy_sends_a_key_file,
                  "chair verify-relay": police_it_start_the_relay,
                  "chair pull": a_person_writes_in,
                  "chair restore": the_laptop_is_lost,
                  "chair passwd": the_chair_chooses_a_new_passphrase,
                  "chair backup /media/usb/iag-backup-2026-11-new": the_new_passphrase_is_in_use,
                  "chair handover export": the_incoming_chair_pulls,
                  "chair purge --all": police_it_start_the_relay}
        # What a person types at the prompts of these blocks.
        typed = {"chair shell": "list\ncontacts\nexit\n", "chair purge --all": "delete\n"}
        # Blocks the incoming chair runs on their own computer.
        elsewhere = {"chair handover import": as_incoming_chair}
        ran = []
        for block in blocks(GUIDE.read_text()):
            for start, action in list(before.items()):
                if block.startswith(start):
                    action()
                    del before[start]
            command = block
            for placeholder, value in substitutions.items():
                command = command.replace(placeholder, value)
            command = command.replace("chair canary send", "chair canary send --wait 0")
            block_env = dict(env, **next((extra for start, extra in elsewhere.items() if block.startswith(start)), {}))
            result = subprocess.run(["bash", "-euo", "pipefail", "-c", command], env=block_env, cwd=home,
                                    capture_output=True, text=True, timeout=300,
                                    input=next((text for start, text in typed.items() if block.startswith(start)), ""))
            assert result.returncode == 0, f"docs/CHAIR.md block failed:\n{command}\n{result.stdout}{result.stderr}"
            ran.append((block, result.stdout + result.stderr))
        assert not before, f"the guide no longer has these steps: {list(before)}"
        outputs = "\n".join(output for _, output in ran)
        assert "restored your identity" in outputs and "changed the passphrase" in outputs
        assert "Messages are kept for 1 year" in outputs
        assert "took in 1 open contact request" in outputs and "deleted" in outputs
        # After the handover: the incoming chair reads what comes next; the outgoing chair nothing.
        submit_contact_request(substitutions["https://contact.example.org"])
        incoming = subprocess.run(["chair", "pull"], env=dict(env, **as_incoming_chair), cwd=home,
                                  capture_output=True, text=True)
        assert "you are now the group's chair" in incoming.stderr and "pulled 1 new message" in incoming.stderr, \
            incoming.stderr
        outgoing = subprocess.run(["chair", "pull"], env=env, cwd=home, capture_output=True, text=True)
        assert outgoing.returncode != 0 and "you handed the chair's role to Chair" in outgoing.stderr, \
            outgoing.stderr
        assert "the relay serves the released form" in outputs
        assert "Someone shouted at my daughter on the bus." in outputs
        assert "Canary" in outputs or "canary" in outputs
        assert len(ran) >= 12
        report = (home / "report.html").read_text()
        assert "Messages to the group: since 1 January 2026" in report and "<script" not in report
        assert "Someone shouted" not in report and "07700" not in report
    finally:
        if relay is not None and relay.poll() is None:
            relay.terminate()
            relay.wait(timeout=10)
            relay.log.close()
        shutil.rmtree(home, ignore_errors=True)


# deploy/README.md's blocks, by their first line, that need systemd running (the test machine
# has none) or a real certificate: the note of the issue that added this lists them too.
NEEDS_SYSTEMD = {
    "cp /usr/share/doc/blind-relay/deploy/nginx/blind-relay.conf": "reloads nginx with systemctl, and needs a real certificate",
    "apt-get install tor": "reloads tor with systemctl (deploy/tor/torrc itself is checked in test_deploy.py)",
    "systemctl enable --now blind-relay": "systemd",
    "systemctl stop blind-relay": "systemd (stop, restore, start)",
    "apt-get install ./blind-relay_VERSION_amd64.deb\nsystemctl restart": "systemd (the upgrade's restart)",
}


def test_police_its_guide_runs_as_written_where_this_machine_allows(packages, tmp_path):
    """Installs the .deb for real (root only, and only where no relay is installed already), then
    runs deploy/README.md's blocks in order, starting the installed relay as its user where the
    guide has systemd do it."""
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        pytest.skip("installs the .deb: needs root and apt (CI has both)")
    if Path("/usr/bin/relay").exists() or Path("/etc/blind-relay").exists():
        pytest.skip("a relay is already installed on this machine; not touching it")
    tarball, deb = packages
    version = re.search(r"blind-relay_(.+)_amd64\.deb", deb.name).group(1)
    work = tmp_path / "police-it"
    work.mkdir()
    for package in (tarball, deb):
        shutil.copy(package, work / package.name)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive", BLIND_RELAY_PASSPHRASE=PASSPHRASE,
               SWIFT_BACKTRACE="enable=no")
    chair = ["/usr/bin/chair", "--identity", str(tmp_path / "chair" / "identity")]
    relay = None
    skipped = []
    try:
        def the_chair_sends_recipients_set():
            subprocess.run(chair[:1] + ["init"] + chair[1:], env=env, check=True, capture_output=True)
            subprocess.run(chair[:1] + ["recipients", "create", "--set", str(work / "recipients.set")] + chair[1:],
                           env=env, check=True, capture_output=True)

        def systemd_starts_the_relay():
            nonlocal relay
            # As the unit's ExecStart, as its user; the port from relay.conf is left to the
            # machine (8080 may be taken here), the rest exactly as installed.
            relay, log, address = launch(
                ["runuser", "-u", "blind-relay", "--", "/usr/bin/relay", "--config", "/etc/blind-relay/relay.conf"],
                dict(env, BLIND_RELAY_PORT="0"), tmp_path / "relay.log", other_user=True)
            relay.log = log
            page = urllib.request.urlopen(address + "/", timeout=10).read().decode()
            assert "contact-form" in page

        before = {"install -m 0640 -o root -g blind-relay recipients.set": the_chair_sends_recipients_set,
                  "install -d -m 0700 -o blind-relay -g blind-relay /var/backups/blind-relay": systemd_starts_the_relay}
        for block in blocks((ROOT / "deploy" / "README.md").read_text()):
            reason = next((why for start, why in NEEDS_SYSTEMD.items() if block.startswith(start)), None)
            if reason:
                skipped.append(block.splitlines()[0])
                continue
            for start, action in list(before.items()):
                if block.startswith(start):
                    action()
                    del before[start]
            command = block.replace("VERSION", version)
            # apt-get asks before installing; the person answers yes.
            result = subprocess.run(["bash", "-euo", "pipefail", "-c", command], env=env, cwd=work, input="y\n" * 4,
                                    capture_output=True, text=True, timeout=600)
            assert result.returncode == 0, f"deploy/README.md block failed:\n{command}\n{result.stdout}{result.stderr}"
        assert not before, f"the guide no longer has these steps: {list(before)}"
        assert len(skipped) == len(NEEDS_SYSTEMD), skipped
        backups = list(Path("/var/backups/blind-relay").glob("envelopes-*.sqlite"))
        assert len(backups) == 1 and backups[0].stat().st_mode & 0o777 == 0o600
        assert Path("/var/lib/blind-relay").stat().st_mode & 0o777 == 0o700
    finally:
        if relay is not None and relay.poll() is None:
            relay.terminate()
            relay.wait(timeout=10)
            relay.log.close()
        installed = Path("/var/lib/blind-relay/envelopes.sqlite").exists()
        subprocess.run(["apt-get", "purge", "-y", "-q", "blind-relay"], env=env, capture_output=True)
        assert not installed or Path("/var/lib/blind-relay/envelopes.sqlite").exists(), \
            "purging must leave messages nobody has pulled"
        assert not Path("/usr/bin/relay").exists() and not Path("/etc/blind-relay").exists()
        subprocess.run(["deluser", "--system", "blind-relay"], capture_output=True)
        for path in ["/etc/blind-relay", "/var/lib/blind-relay", "/var/backups/blind-relay",
                     f"/opt/blind-relay-{version}-linux-x86_64"]:
            shutil.rmtree(path, ignore_errors=True)
