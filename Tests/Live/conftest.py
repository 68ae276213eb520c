"""Fixtures for the live tests: a relay process with its own chair, and headless Chromium.

Each test gets its own folder, chair identity and relay process on a free loopback port.
"""
import json
import os
import shutil
import sys
import subprocess
import tempfile
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Tests" / "Support"))
sys.dont_write_bytecode = True  # no __pycache__ in a Swift target's folder
from relay_launcher import launch  # noqa: E402
BIN = Path(os.environ.get("BLIND_RELAY_BIN", ROOT / ".build" / "debug"))
ARTIFACTS = Path(os.environ.get("BLIND_RELAY_ARTIFACTS", ROOT / ".build" / "browser-artifacts"))
PASSPHRASE = "quarry nimbus tulip ferret gazebo"


class LiveRelay:
    """A chair identity made by `chair init`, and a relay process sealing to it."""

    def __init__(self, folder: Path, extra_env=None, deputies=()):
        self.folder = folder
        self.identity = folder / "chair" / "identity"
        self.keys = folder / "relay" / "keys"
        self.keys.mkdir(parents=True)
        self.chair("init")
        self.chair("export", "--output", str(self.keys / "chair.pub"))
        self.recipient_set = self.keys / "recipients.set"
        self.chair("recipients", "create", "--set", str(self.recipient_set))
        for name in deputies:
            self.chair("init", identity=self.deputy_identity(name))
            self.chair("export", "--name", name, "--output", str(self.keys / f"{name}.pub"),
                       identity=self.deputy_identity(name))
            self.chair("recipients", "add", str(self.keys / f"{name}.pub"), "--set", str(self.recipient_set))
        self.env = dict(os.environ, SWIFT_BACKTRACE="enable=no", TMPDIR=str(folder), BLIND_RELAY_PORT="0",
                        BLIND_RELAY_KEYS_DIR=str(self.keys), BLIND_RELAY_DATA_DIR=str(folder / "relay" / "data"),
                        BLIND_RELAY_MIN_SECONDS_ON_PAGE="0", BLIND_RELAY_PROOF_OF_WORK_BITS="8")
        self.env.update(extra_env or {})
        self.start()

    def deputy_identity(self, name):
        return self.folder / name / "identity"

    def start(self):
        """Starts (or starts again) the relay process on a free port, with the same folders."""
        folder = self.folder
        env = dict(self.env)
        if hasattr(self, "address"):
            # Again on the same port: the chair's store knows the relay by its address.
            env["BLIND_RELAY_PORT"] = self.address.rsplit(":", 1)[1]
        self.log_path = folder / "relay.log"
        self.process, self.log_file, self.address = launch([BIN / "relay"], env, self.log_path)

    def chair(self, *arguments, check=True, stdin=b"", identity=None):
        env = dict(os.environ, BLIND_RELAY_PASSPHRASE=PASSPHRASE, SWIFT_BACKTRACE="enable=no")
        result = subprocess.run([str(BIN / "chair"), *arguments, "--identity", str(identity or self.identity)],
                                env=env, input=stdin, capture_output=True, timeout=120)
        if check and result.returncode != 0:
            raise AssertionError(f"chair {' '.join(arguments)} failed: {result.stderr.decode()}")
        return result

    def pull_and_read(self, number):
        self.chair("pull", "--relay", self.address)
        return self.chair("read", str(number)).stdout.decode()

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)
        self.log_file.close()


@pytest.fixture
def relay_factory():
    """Starts relays with extra BLIND_RELAY_* settings; each has its own folder and chair."""
    started = []

    def factory(deputies=(), **settings):
        folder = Path(tempfile.mkdtemp(prefix="blind-relay-live-"))
        live = LiveRelay(folder, {f"BLIND_RELAY_{key.upper()}": str(value) for key, value in settings.items()},
                         deputies=deputies)
        started.append(live)
        return live

    yield factory
    for live in started:
        if live.process.poll() is None:
            live.stop()
        shutil.rmtree(live.folder, ignore_errors=True)


@pytest.fixture
def relay(relay_factory):
    return relay_factory()


def make_browser(javascript=True, width=1280, height=900):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--no-first-run", "--disable-extensions"]:
        options.add_argument(argument)
    if not javascript:
        options.add_argument("--blink-settings=scriptEnabled=false")
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(30)
    set_viewport(driver, width, height)
    return driver


def save_full_page(driver, name):
    """A screenshot of the whole page, not just what fits the window, in ARTIFACTS."""
    import base64
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
    (ARTIFACTS / f"{name}.png").write_bytes(base64.b64decode(shot["data"]))


def set_viewport(driver, width, height):
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 500})


@pytest.fixture
def browser():
    drivers = []

    def factory(javascript=True, width=1280, height=900):
        driver = make_browser(javascript, width, height)
        drivers.append(driver)
        return driver

    yield factory
    for driver in drivers:
        driver.quit()


def posted_bodies(driver):
    """The bodies of every POST the browser sent, from Chromium's network log."""
    bodies = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            request = message["params"]["request"]
            if request.get("method") == "POST":
                bodies.append((request["url"], request.get("postData", "")))
    return bodies


@pytest.fixture(scope="session")
def packages():
    """The release tarball and .deb, made once by packaging/package.py from the build under test."""
    out = Path(tempfile.mkdtemp(prefix="blind-relay-release-"))
    result = subprocess.run(["python3", str(ROOT / "packaging" / "package.py"), "--bin", str(BIN), "--out", str(out)],
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    tarballs, debs = list(out.glob("*.tar.gz")), list(out.glob("*.deb"))
    assert len(tarballs) == 1 and len(debs) == 1, list(out.iterdir())
    yield tarballs[0], debs[0]
    shutil.rmtree(out, ignore_errors=True)
