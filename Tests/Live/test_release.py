"""The release, as police IT and the chair receive it: packaged by packaging/package.py (from the
debug build here, by the same steps `make release` takes for the optimized one), unpacked into an
empty folder, and run from there: the relay and the chair without the build folder, the .deb's
contents, and `chair verify-relay` against an honest relay and against altered ones."""
import hashlib
import http.client
import http.server
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
import threading
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from conftest import PASSPHRASE, ROOT, launch


def run(*command, env=None, check=True):
    result = subprocess.run([str(part) for part in command], env=env, capture_output=True, timeout=120)
    assert not check or result.returncode == 0, f"{command}: {result.stdout.decode()}{result.stderr.decode()}"
    return result


@pytest.fixture(scope="module")
def unpacked(packages):
    folder = Path(tempfile.mkdtemp(prefix="blind-relay-unpacked-"))
    with tarfile.open(packages[0]) as archive:
        archive.extractall(folder, filter="data")
    (release,) = list(folder.iterdir())
    assert release.name.startswith("blind-relay-") and release.name.endswith("-linux-x86_64")
    yield release
    shutil.rmtree(folder, ignore_errors=True)


class Deployment:
    """A chair made with the release's `chair`, and relays started from a release folder."""

    def __init__(self, release, folder):
        self.release, self.folder = release, folder
        self.env = dict(os.environ, BLIND_RELAY_PASSPHRASE=PASSPHRASE, SWIFT_BACKTRACE="enable=no",
                        TMPDIR=str(folder))
        self.identity = folder / "chair" / "identity"
        self.keys = folder / "keys"
        self.keys.mkdir()
        self.chair("init")
        self.chair("export", "--output", self.keys / "chair.pub")
        self.chair("recipients", "create", "--set", self.keys / "recipients.set")
        self.relays = []

    def chair(self, *arguments, check=True, release=None):
        return run((release or self.release) / "bin" / "chair", *arguments, "--identity", self.identity, env=self.env,
                   check=check)

    def relay_env(self, data):
        return dict(self.env, BLIND_RELAY_PORT="0", BLIND_RELAY_KEYS_DIR=str(self.keys),
                    BLIND_RELAY_DATA_DIR=str(self.folder / data), BLIND_RELAY_MIN_SECONDS_ON_PAGE="0")

    def start_relay(self, release, data="data"):
        process, log, address = launch([release / "bin" / "relay"], self.relay_env(data), self.folder / f"{data}.log")
        self.relays.append((process, log))
        return address

    def stop(self):
        for process, log in self.relays:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=10)
            log.close()


@pytest.fixture
def deployment(unpacked):
    folder = Path(tempfile.mkdtemp(prefix="blind-relay-deployment-"))
    deployment = Deployment(unpacked, folder)
    yield deployment
    deployment.stop()
    shutil.rmtree(folder, ignore_errors=True)


def submit(address, text):
    connection = http.client.HTTPConnection("127.0.0.1", int(address.rsplit(":", 1)[1]), timeout=10)
    connection.request("GET", "/")
    token = re.search(r'name="form_token" value="([^"]+)"', connection.getresponse().read().decode()).group(1)
    connection.request("POST", "/submit", body=urllib.parse.urlencode({"form_token": token, "message": text}),
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
    response = connection.getresponse()
    assert response.status == 200 and b'class="receipt"' in response.read()
    connection.close()


def test_the_unpacked_tarball_runs_without_the_build_folder(unpacked, deployment):
    check = subprocess.run(["sha256sum", "--strict", "-c", "share/blind-relay/MANIFEST"], cwd=unpacked,
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    manifest = hashlib.sha256((unpacked / "share/blind-relay/MANIFEST").read_bytes()).hexdigest()
    served = (unpacked / "share/blind-relay/SERVED").read_text()
    for path in ["/assets/seal.js", "/assets/relay.css", "/assets/blake2b.js"]:
        assert f"  {path}\n" in served
    build, away = ROOT / ".build", ROOT / ".build-renamed-by-test-release"
    build.rename(away)
    try:
        for program in ["relay", "chair"]:
            version = run(unpacked / "bin" / program, "--version").stdout.decode()
            assert f"release manifest SHA-256 {manifest}" in version, version
        checked = run(unpacked / "bin" / "relay", "check-config", env=deployment.relay_env("data")).stdout.decode()
        assert "ready to start" in checked, checked
        address = deployment.start_relay(unpacked)
        for query, words in [("", "Send your message"), ("?lang=cy", "Anfon eich neges")]:
            assert words in urllib.request.urlopen(address + "/" + query, timeout=10).read().decode()
        submit(address, "RELEASE-CANARY from the unpacked tarball")
        deployment.chair("pull", "--relay", address)
        assert "RELEASE-CANARY from the unpacked tarball" in deployment.chair("read", "1").stdout.decode()
    finally:
        away.rename(build)


class RewritingProxy:
    """A host who alters the form page on its way out: forwards everything to the relay, and
    passes the form page through `rewrite` first."""

    def __init__(self, upstream, rewrite):
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                with urllib.request.urlopen(upstream + self.path, timeout=10) as answer:
                    body = answer.read()
                    if answer.headers.get("Content-Type", "").startswith("text/html"):
                        body = rewrite(body.decode()).encode()
                    self.send_response(answer.status)
                    for name, value in answer.headers.items():
                        if name.lower() not in ("content-length", "connection", "transfer-encoding", "date"):
                            self.send_header(name, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)

            def log_message(self, *arguments):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.address = f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self):
        self.server.shutdown()


def test_chair_verify_relay_passes_an_honest_relay_and_names_each_alteration(unpacked, deployment):
    address = deployment.start_relay(unpacked)
    deployment.chair("pull", "--relay", address)  # the chair's store learns its own set, as in daily use
    honest = deployment.chair("verify-relay", "--relay", address)
    assert "the relay serves the released form" in honest.stdout.decode(), honest.stdout.decode()

    def verify(relay_address):
        result = deployment.chair("verify-relay", "--relay", relay_address, check=False)
        assert result.returncode == 1, result.stdout.decode()
        return result.stdout.decode() + result.stderr.decode()

    # A script altered on the host's disk.
    tampered = deployment.folder / "tampered"
    shutil.copytree(unpacked, tampered, symlinks=True)
    with open(tampered / "share/blind-relay/Assets/seal.js", "a") as script:
        script.write("\n// sends a copy elsewhere\n")
    said = verify(deployment.start_relay(tampered, data="tampered-data"))
    assert "/assets/seal.js as served is not the released file" in said, said
    assert "difference: the relay's asset list" not in said, "the altered relay lists its own file consistently"

    # A page altered on its way out: a script from elsewhere, and another key to seal to.
    other_key = "A" * 43 + "="

    def add_script(page):
        return page.replace("</body>", '<script src="https://collector.example/x.js"></script></body>')

    def add_same_origin_script_in_capitals(page):
        return page.replace("</body>", '<SCRIPT SRC="/assets/collector.js"></SCRIPT></body>')

    def swap_keys(page):
        return re.sub(r'data-recipients="[^"]*"', f'data-recipients="{other_key}"', page)

    for rewrite, words in [(add_script, "loads https://collector.example/x.js, which the release does not have"),
                           (add_same_origin_script_in_capitals, "loads /assets/collector.js, which the release does not have"),
                           (swap_keys, "seals messages to keys that are not a recipients set the group's chair signed")]:
        proxy = RewritingProxy(address, rewrite)
        try:
            said = verify(proxy.address)
            assert words in said, said
            assert "the relay differs from release" in said
        finally:
            proxy.stop()


def test_the_deb_holds_the_service_its_user_and_its_folders(packages):
    _, deb = packages
    info = run("dpkg-deb", "--info", deb).stdout.decode()
    for line in ["Package: blind-relay", "Architecture: amd64", "Depends: libsodium23, libsqlite3-0, libcurl4, adduser",
                 "postinst", "postrm", "prerm", "conffiles"]:
        assert line in info, info
    contents = run("dpkg-deb", "--contents", deb).stdout.decode()
    for path in ["./usr/bin/relay", "./usr/bin/chair", "./usr/share/blind-relay/MANIFEST",
                 "./usr/share/blind-relay/Catalogues/cy.json", "./usr/share/blind-relay/Assets/seal.js",
                 "./lib/systemd/system/blind-relay.service", "./etc/blind-relay/relay.conf", "./etc/blind-relay/keys/",
                 "./usr/share/doc/blind-relay/deploy/README.md", "./usr/share/doc/blind-relay/deploy/nginx/blind-relay.conf",
                 "./usr/share/doc/blind-relay/docs/CHAIR.md"]:
        assert re.search(rf" {re.escape(path)}$", contents, re.M), f"{path} is not in the .deb"
    assert all(" root/root " in line for line in contents.splitlines()), "every file is root's until postinst"
    folder = Path(tempfile.mkdtemp(prefix="blind-relay-deb-"))
    try:
        run("dpkg-deb", "--raw-extract", deb, folder)
        for script in ["postinst", "postrm", "prerm"]:
            run("sh", "-n", folder / "DEBIAN" / script)
            assert os.access(folder / "DEBIAN" / script, os.X_OK)
        postinst = (folder / "DEBIAN" / "postinst").read_text()
        assert "adduser --system --group" in postinst and "install -d -m 0700 -o blind-relay" in postinst
        assert "systemctl start" not in postinst, "the relay must not start before the chair's keys are there"
        assert "/var/lib/blind-relay" not in (folder / "DEBIAN" / "postrm").read_text().split("set -e")[1], \
            "purging must not delete messages nobody has pulled"
        configuration = (folder / "etc/blind-relay/relay.conf").read_text()
        assert "\nclient_address_header = X-Real-IP\n" in configuration
        # The installed relay finds its release files beside itself (/usr/bin → /usr/share/blind-relay).
        installed = run(folder / "usr/bin/relay", "--version").stdout.decode()
        assert hashlib.sha256((folder / "usr/share/blind-relay/MANIFEST").read_bytes()).hexdigest() in installed
    finally:
        shutil.rmtree(folder, ignore_errors=True)
