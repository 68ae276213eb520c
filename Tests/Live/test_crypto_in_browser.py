"""The browser's cryptography against libsodium (through PyNaCl): BLAKE2b, and whole envelopes."""
import random
import sys
from pathlib import Path

import nacl.bindings
import nacl.hash
from nacl.encoding import RawEncoder
from nacl.public import PrivateKey
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Tests" / "EnvelopeTests" / "Interop"))
from envelope import open_envelope  # noqa: E402  the reference reader written from FORMAT.md

VECTORS = ROOT / "Tests" / "EnvelopeTests" / "Vectors"


def ready_page(relay, browser):
    driver = browser(javascript=True)
    driver.get(relay.address + "/")
    WebDriverWait(driver, 10).until(lambda d: d.find_element(By.ID, "contact-form").get_attribute("data-sealing") == "ready")
    return driver


def browser_blake2b(driver, data, length):
    return bytes(driver.execute_script(
        "return Array.from(blake2b(new Uint8Array(arguments[0]), arguments[1]));", list(data), length))


def test_blake2b_matches_rfc_7693_and_libsodium(relay, browser):
    driver = ready_page(relay, browser)
    # RFC 7693 Appendix A: BLAKE2b-512("abc").
    assert browser_blake2b(driver, b"abc", 64).hex() == (
        "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1"
        "7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923")
    generator = random.Random(7693)
    for _ in range(300):
        data = bytes(generator.getrandbits(8) for _ in range(generator.choice([0, 1, 63, 64, 127, 128, 129, 255, 256, 257,
                                                                               generator.randrange(0, 1000)])))
        length = generator.randrange(16, 65)
        expected = nacl.hash.blake2b(data, digest_size=length, encoder=RawEncoder)
        assert browser_blake2b(driver, data, length) == expected, (data.hex(), length)


def test_browser_sealed_vector_records_open_with_libsodium_and_chair(relay, browser):
    driver = ready_page(relay, browser)
    first, second = PrivateKey.generate(), PrivateKey.generate()
    records = []
    contact_record = None
    for path in sorted(VECTORS.iterdir()):
        header = path.read_bytes().split(b"\n\n", 1)[0].decode()
        fields = dict(line.split(": ", 1) for line in header.splitlines())
        if fields["expect"] == "success":
            records.append(bytes.fromhex(fields["record"]))
            if fields.get("kind") == "contact request":
                contact_record = records[-1]
    assert len(records) >= 5
    for record in records:
        envelope = bytes(driver.execute_script(
            "var keys = arguments[1].map(function (k) { return new Uint8Array(k); });"
            "return Array.from(BlindRelay.sealRecord(new Uint8Array(arguments[0]), keys));",
            list(record), [list(bytes(first.public_key)), list(bytes(second.public_key))]))
        assert open_envelope(bytes(first), envelope) == record
        assert open_envelope(bytes(second), envelope) == record
        # Stanzas are standard sealed boxes: libsodium itself opens one.
        file_key = nacl.bindings.crypto_box_seal_open(envelope[7:87], bytes(first.public_key), bytes(first))
        assert len(file_key) == 32

    # And the chair's tool opens what the browser sealed to the chair's key.
    chair_key = (relay.folder / "relay" / "keys" / "chair.pub").read_text()
    encryption_key = [line.split(": ", 1)[1] for line in chair_key.splitlines() if line.startswith("encryption-key")][0]
    envelope = bytes(driver.execute_script(
        "var key = Uint8Array.from(atob(arguments[1]), function (c) { return c.charCodeAt(0); });"
        "return Array.from(BlindRelay.sealRecord(new Uint8Array(arguments[0]), [key]));",
        list(contact_record), encryption_key))
    opened = relay.chair("open", "-", stdin=envelope)
    assert "Kind:             contact request" in opened.stdout.decode()


# The seven low-order X25519 encodings libsodium refuses (u = 0, 1, the two of order 8, p - 1, p, p + 1).
LOW_ORDER_POINTS = [
    "00" * 32,
    "01" + "00" * 31,
    "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
    "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
    "ec" + "ff" * 30 + "7f",
    "ed" + "ff" * 30 + "7f",
    "ee" + "ff" * 30 + "7f",
]


def test_browser_refuses_to_seal_to_a_low_order_key_as_libsodium_does(relay, browser):
    driver = ready_page(relay, browser)
    for point in LOW_ORDER_POINTS:
        key = list(bytes.fromhex(point))
        assert driver.execute_script("return BlindRelay.isUsableKey(new Uint8Array(arguments[0]));", key) is False, point
        refused = driver.execute_script(
            "try { BlindRelay.sealRecord(new Uint8Array([1, 1, 0, 1, 65]), [new Uint8Array(arguments[0])]); return false; }"
            " catch (e) { return true; }", key)
        assert refused, point
        try:
            nacl.bindings.crypto_box_seal(b"x", bytes.fromhex(point))
            libsodium_refused = False
        except Exception:
            libsodium_refused = True
        assert libsodium_refused, point
    for _ in range(20):
        key = list(bytes(PrivateKey.generate().public_key))
        assert driver.execute_script("return BlindRelay.isUsableKey(new Uint8Array(arguments[0]));", key) is True
