"""An independent reader and writer of Blind Relay envelopes, written from docs/FORMAT.md.

It uses PyNaCl (Debian python3-nacl), not our Swift code, so it shows that stanzas are standard
libsodium sealed boxes and that the format can be implemented from the spec alone.

    envelope.py open SECRET_KEY_HEX < envelope     prints the record as hex
    envelope.py seal PUBLIC_KEY_HEX... < record    writes an envelope
"""
import hashlib
import os
import sys

from nacl.public import PrivateKey, PublicKey, SealedBox
from nacl.secret import SecretBox
from nacl.exceptions import CryptoError

MAGIC = b"BRLY"
SIZES = [4096, 16384, 65536]
LABEL = b"blind-relay/v1/payload"


def payload_key(file_key, header):
    digest = hashlib.sha512(LABEL + file_key + header).digest()
    return digest[:32], digest[32:56]


def open_envelope(secret_key, data):
    if data[:4] != MAGIC or data[4] != 1:
        sys.exit("not a version 1 envelope")
    count, size_class = data[5], data[6]
    header_length = 7 + 80 * count
    if len(data) != header_length + 16 + SIZES[size_class]:
        sys.exit("wrong length")
    box = SealedBox(PrivateKey(secret_key))
    for index in range(count):
        stanza = data[7 + 80 * index: 7 + 80 * (index + 1)]
        try:
            file_key = box.decrypt(stanza)
        except CryptoError:
            continue
        key, nonce = payload_key(file_key, data[:header_length])
        stripped = SecretBox(key).decrypt(data[header_length:], nonce).rstrip(b"\0")
        if not stripped.endswith(b"\x80"):
            sys.exit("bad padding")
        return stripped[:-1]
    sys.exit("no match")


def seal_envelope(public_keys, record):
    size_class = next(i for i, size in enumerate(SIZES) if size >= len(record) + 1)
    padded = record + b"\x80" + b"\0" * (SIZES[size_class] - len(record) - 1)
    file_key = os.urandom(32)
    header = MAGIC + bytes([1, len(public_keys), size_class])
    for public_key in public_keys:
        header += SealedBox(PublicKey(public_key)).encrypt(file_key)
    key, nonce = payload_key(file_key, header)
    return header + SecretBox(key).encrypt(padded, nonce).ciphertext


if __name__ == "__main__":
    command, keys = sys.argv[1], [bytes.fromhex(k) for k in sys.argv[2:]]
    data = sys.stdin.buffer.read()
    if command == "open":
        print(open_envelope(keys[0], data).hex())
    else:
        sys.stdout.buffer.write(seal_envelope(keys, data))
