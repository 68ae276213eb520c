"""What police IT run: the systemd unit, the torrc snippet, and the relay's operator-facing answers
(check-config, /healthz when the store is full, HEAD, the Onion-Location header, start-up failures
in sentences)."""
import http.client
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from conftest import BIN, ROOT
from test_delivery import port_of, submit

UNIT = ROOT / "deploy" / "systemd" / "blind-relay.service"
ONION = "http://" + "a" * 52 + "2345.onion"


def test_the_unit_verifies_and_holds_its_recorded_exposure_score():
    folder = Path(tempfile.mkdtemp(prefix="blind-relay-unit-"))
    try:
        text = UNIT.read_text()
        # The installed path does not exist on a test machine: the built relay stands in for it.
        assert text.count("ExecStart=/usr/bin/relay ") == 1
        unit = folder / "blind-relay.service"
        unit.write_text(text.replace("ExecStart=/usr/bin/relay ", f"ExecStart={BIN / 'relay'} "))
        verify = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, cwd=folder)
        assert verify.returncode == 0 and verify.stderr == "", verify.stderr
        security = subprocess.run(["systemd-analyze", "security", "--offline=true", str(unit)], capture_output=True,
                                  text=True, cwd=folder)
        score = float(re.search(r"Overall exposure level for blind-relay.service: ([\d.]+)", security.stdout).group(1))
        recorded = float(re.search(r"exposure\s+score from `systemd-analyze security blind-relay` is \*\*([\d.]+)\*\*",
                                   (ROOT / "deploy" / "README.md").read_text()).group(1))
        assert score <= recorded, security.stdout
        for setting in ["LimitCORE=0", "NoNewPrivileges=yes", "CapabilityBoundingSet=\n", "ProtectSystem=strict",
                        "MemoryDenyWriteExecute=yes", "SystemCallFilter=@system-service", "Type=notify"]:
            assert setting in text
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_the_torrc_snippet_is_valid_for_debians_tor():
    folder = Path(tempfile.mkdtemp(prefix="blind-relay-tor-"))
    try:
        text = (ROOT / "deploy" / "tor" / "torrc").read_text()
        directory = "HiddenServiceDir /var/lib/tor/blind-relay/\n"
        assert text.count(directory) == 1 and "HiddenServicePort 80 127.0.0.1:8081" in text
        # Floods are stopped where Tor can still tell circuits apart (nginx sees one address).
        for defence in ["HiddenServiceEnableIntroDoSDefense 1", "HiddenServicePoWDefensesEnabled 1",
                        "HiddenServiceMaxStreams 32", "HiddenServiceMaxStreamsCloseCircuit 1"]:
            assert defence in text, defence
        (folder / "torrc").write_text(text.replace(directory, f"HiddenServiceDir {folder}/hidden/\n")
                                      + f"DataDirectory {folder}/data\n")
        result = subprocess.run(["tor", "--verify-config", "-f", str(folder / "torrc")], capture_output=True,
                                text=True)
        assert result.returncode == 0 and "Configuration was valid" in result.stdout, result.stdout
        assert "[warn]" not in result.stdout.replace("[warn] You are running Tor as root", ""), result.stdout
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_pages_name_the_onion_service_and_head_works_where_get_does(relay_factory):
    relay = relay_factory(onion_location=ONION + "/")
    connection = http.client.HTTPConnection("127.0.0.1", port_of(relay.address), timeout=10)
    for method, path, onion in [("GET", "/", ONION + "/"), ("HEAD", "/?lang=cy", ONION + "/"),
                                ("HEAD", "/assets/relay.css", None), ("HEAD", "/healthz", None)]:
        connection.request(method, path)
        response = connection.getresponse()
        body = response.read()
        assert response.status in (200, 204), (method, path, response.status)
        assert response.getheader("Onion-Location") == onion, (path, response.getheaders())
        if method == "HEAD":
            assert body == b""
    connection.close()


def test_a_bad_onion_address_and_a_busy_port_are_refused_in_sentences(relay_factory):
    relay = relay_factory()
    env = dict(relay.env, BLIND_RELAY_ONION_LOCATION="http://example.org")
    result = subprocess.run([str(BIN / "relay")], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "onion_location must be http:// and the onion service's address" in result.stderr, result.stderr
    env = dict(relay.env, BLIND_RELAY_PORT=str(port_of(relay.address)))
    result = subprocess.run([str(BIN / "relay")], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert f"another program already listens on 127.0.0.1 port {port_of(relay.address)}; stop it, or set port to a free one" \
        in result.stderr, result.stderr
    assert "Error:" not in result.stderr and "errno" not in result.stderr


def test_check_config_names_what_would_stop_the_relay(relay_factory):
    relay = relay_factory()
    good = subprocess.run([str(BIN / "relay"), "check-config"], env=relay.env, capture_output=True, text=True)
    assert good.returncode == 0, good.stderr
    assert "keys: sealing to" in good.stdout and "relay: the configuration is ready to start" in good.stdout
    folder = Path(tempfile.mkdtemp(prefix="blind-relay-check-"))
    try:
        (folder / "data").write_text("a file where a folder should be")
        cases = [
            (dict(BLIND_RELAY_DATA_DIR=str(folder / "data")), "is a file, not a folder"),
            (dict(BLIND_RELAY_KEYS_DIR=str(folder)), "recipients.set"),
            (dict(BLIND_RELAY_PORT="70000"), "port must be a whole number from 0 to 65535"),
        ]
        for override, words in cases:
            bad = subprocess.run([str(BIN / "relay"), "check-config"], env=dict(relay.env, **override),
                                 capture_output=True, text=True)
            assert bad.returncode == 1 and words in bad.stderr, (override, bad.stderr)
        # It changed nothing: no data folder was made for a relay that never started.
        fresh = folder / "never-made"
        subprocess.run([str(BIN / "relay"), "check-config"], env=dict(relay.env, BLIND_RELAY_DATA_DIR=str(fresh)),
                       capture_output=True, check=True)
        assert not fresh.exists()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def health(relay):
    connection = http.client.HTTPConnection("127.0.0.1", port_of(relay.address), timeout=10)
    connection.request("GET", "/healthz")
    response = connection.getresponse()
    body = response.read().decode()
    connection.close()
    return response.status, body


def test_healthz_says_unavailable_while_the_store_is_full_and_the_log_says_it_once(relay_factory):
    relay = relay_factory(max_stored_envelopes=1, client_address_header="X-Real-IP")
    assert health(relay) == (204, "")
    assert submit(relay, "the first fills the store") == 200
    for _ in range(3):
        assert submit(relay, "no room") == 503
    status, body = health(relay)
    assert status == 503 and body.startswith("unavailable: the store is full"), body
    assert relay.log_path.read_text().count("the store is full") == 1
    relay.chair("pull", "--relay", relay.address)
    assert health(relay) == (204, ""), "the chair's pull made room"
    assert "the store takes submissions again" in relay.log_path.read_text()
    # A relay started on a full store says so from the start.
    assert submit(relay, "fills it again") == 200
    relay.stop()
    relay.start()
    assert health(relay)[0] == 503
