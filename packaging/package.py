#!/usr/bin/env python3
"""Packages built `relay` and `chair` executables as a release: a tarball and a .deb.

    packaging/package.py --bin .build/release --out dist

`make release` runs it on the optimized, statically linked build; the release test runs it on
the debug build, so what the test unpacks is made by the very same steps. Both packages hold the
same files: bin/relay and bin/chair, share/blind-relay/ (the catalogues and page assets the relay
finds beside itself, MANIFEST and SERVED), deploy/, docs/ and README.md. MANIFEST is in
sha256sum's format (every file, so `sha256sum -c share/blind-relay/MANIFEST` checks an unpacked
release); SERVED names the SHA-256 of every asset the relay serves, by the path it serves it at.
`relay --version` and `chair --version` print MANIFEST's own SHA-256.
"""
import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TWEETNACL = Path("/usr/share/nodejs/tweetnacl/nacl-fast.min.js")
# Fixed file times, so the same build packages to the same bytes.
EPOCH = int(os.environ.get("SOURCE_DATE_EPOCH", "1767225600"))


def sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def version_of(relay):
    result = subprocess.run([str(relay), "--version"], capture_output=True, text=True, check=True)
    return result.stdout.split()[0]


def stage_release(bin_dir, root, strip):
    """Lays the release out under `root` (PREFIX): what the tarball holds, and the .deb under /usr."""
    (root / "bin").mkdir(parents=True)
    for program in ["relay", "chair"]:
        shutil.copy2(bin_dir / program, root / "bin" / program)
        (root / "bin" / program).chmod(0o755)
        if strip:
            # Symbols only help a debugger or a crash report, and the relay allows neither.
            subprocess.run(["strip", "--strip-unneeded", str(root / "bin" / program)], check=True)
    share = root / "share" / "blind-relay"
    resources = bin_dir / "blind-relay_RelayKit.resources"
    for folder in ["Catalogues", "Assets"]:
        shutil.copytree(resources / folder, share / folder)
    shutil.copytree(ROOT / "deploy", root / "deploy")
    shutil.copytree(ROOT / "docs", root / "docs")
    shutil.copy2(ROOT / "README.md", root / "README.md")
    served = [(f"/assets/{name}", share / "Assets" / name) for name in ["relay.css", "blake2b.js", "seal.js", "exit.js", "reveal.js"]]
    lines = [f"{sha256(path)}  {url}\n" for url, path in served]
    if TWEETNACL.exists():
        # Debian's node-tweetnacl, which the relay serves from the host: the copy this was built with.
        lines.append(f"{sha256(TWEETNACL)}  /assets/nacl-fast.min.js\n")
    (share / "SERVED").write_text("".join(lines))
    files = sorted(path for path in root.rglob("*") if path.is_file())
    (share / "MANIFEST").write_text("".join(f"{sha256(path)}  {path.relative_to(root)}\n" for path in files))


def add_tree(archive, folder, prefix):
    for path in sorted([folder, *folder.rglob("*")]):
        name = prefix + ("/" + str(path.relative_to(folder)) if path != folder else "")
        info = archive.gettarinfo(str(path), name.lstrip("/") or ".")
        info.mtime, info.uid, info.gid, info.uname, info.gname = EPOCH, 0, 0, "root", "root"
        if path.is_file():
            with open(path, "rb") as file:
                archive.addfile(info, file)
        else:
            archive.addfile(info)


def build_tarball(root, version, out):
    name = f"blind-relay-{version}-linux-x86_64"
    path = out / f"{name}.tar.gz"
    with tarfile.open(path, "w:gz", format=tarfile.GNU_FORMAT) as archive:
        add_tree(archive, root, name)
    return path


CONTROL = """Package: blind-relay
Version: {version}
Architecture: amd64
Maintainer: Blind Relay developers <blind-relay@localhost>
Depends: libsodium23, libsqlite3-0, libcurl4, adduser
Recommends: node-tweetnacl
Suggests: nginx, tor
Section: net
Priority: optional
Installed-Size: {size}
Homepage: https://example.org/blind-relay
Description: sealed anonymous contact form for an independent advisory group
 The relay serves a contact form and seals every submission to the group's
 chair (libsodium sealed boxes) as it arrives, so the host stores and relays
 ciphertext only. This package holds the relay, its systemd service and the
 chair's tool; deploy/README.md in /usr/share/doc/blind-relay says how to run it.
"""

POSTINST = """#!/bin/sh
# Creates the relay's system user and its folders. Nothing is started: the relay needs the
# chair's signed recipients.set in /etc/blind-relay/keys first (deploy/README.md).
set -e
if [ "$1" = "configure" ]; then
    if ! getent passwd blind-relay >/dev/null; then
        adduser --system --group --home /var/lib/blind-relay --no-create-home --disabled-login \\
            --gecos "Blind Relay" blind-relay >/dev/null
    fi
    install -d -m 0700 -o blind-relay -g blind-relay /var/lib/blind-relay
    install -d -m 0750 -o root -g blind-relay /etc/blind-relay /etc/blind-relay/keys
    chown root:blind-relay /etc/blind-relay/relay.conf
    chmod 0640 /etc/blind-relay/relay.conf
    if [ -d /run/systemd/system ]; then
        systemctl daemon-reload >/dev/null || true
    fi
fi
exit 0
"""

POSTRM = """#!/bin/sh
# /var/lib/blind-relay is left, even on purge: it may hold messages no chair has pulled yet.
# Delete it yourself once every recipient has pulled everything (deploy/README.md).
# /etc/blind-relay goes on purge: settings and the chair's public recipients set only.
set -e
if [ "$1" = "purge" ]; then
    rm -rf /etc/blind-relay
fi
if [ -d /run/systemd/system ]; then
    systemctl daemon-reload >/dev/null || true
fi
exit 0
"""

PRERM = """#!/bin/sh
set -e
if [ -d /run/systemd/system ] && [ "$1" = "remove" ]; then
    systemctl stop blind-relay.service >/dev/null 2>&1 || true
fi
exit 0
"""


def packaged_configuration():
    """deploy/relay.conf.example as the .deb installs it: the address nginx's site proxies to, and the
    one header deploy/nginx/blind-relay-proxy.conf puts the client's address in."""
    text = (ROOT / "deploy" / "relay.conf.example").read_text()
    for line in ["host = 127.0.0.1", "port = 8080", "data_dir = /var/lib/blind-relay", "keys_dir = /etc/blind-relay/keys",
                 "client_address_header ="]:
        if text.count(f"\n{line}\n") != 1:
            sys.exit(f"package: deploy/relay.conf.example no longer has '{line}' once; update packaging/package.py")
    return text.replace("\nclient_address_header =\n", "\nclient_address_header = X-Real-IP\n")


def build_deb(root, version, out):
    with tempfile.TemporaryDirectory() as temporary:
        deb = Path(temporary) / "deb"
        usr = deb / "usr"
        (usr / "bin").mkdir(parents=True)
        for program in ["relay", "chair"]:
            shutil.copy2(root / "bin" / program, usr / "bin" / program)
        shutil.copytree(root / "share" / "blind-relay", usr / "share" / "blind-relay")
        doc = usr / "share" / "doc" / "blind-relay"
        for part in ["deploy", "docs"]:
            shutil.copytree(root / part, doc / part)
        shutil.copy2(root / "README.md", doc / "README.md")
        unit = deb / "lib" / "systemd" / "system"
        unit.mkdir(parents=True)
        shutil.copy2(ROOT / "deploy" / "systemd" / "blind-relay.service", unit / "blind-relay.service")
        etc = deb / "etc" / "blind-relay"
        (etc / "keys").mkdir(parents=True)
        (etc / "relay.conf").write_text(packaged_configuration())
        control = deb / "DEBIAN"
        control.mkdir()
        size = sum(path.stat().st_size for path in deb.rglob("*") if path.is_file()) // 1024 + 1
        (control / "control").write_text(CONTROL.format(version=version, size=size))
        (control / "conffiles").write_text("/etc/blind-relay/relay.conf\n")
        for name, text in [("postinst", POSTINST), ("postrm", POSTRM), ("prerm", PRERM)]:
            (control / name).write_text(text)
            (control / name).chmod(0o755)
        for path in deb.rglob("*"):
            os.utime(path, (EPOCH, EPOCH), follow_symlinks=False)
        path = out / f"blind-relay_{version}_amd64.deb"
        subprocess.run(["dpkg-deb", "--root-owner-group", "-Zxz", "--build", str(deb), str(path)], check=True,
                       capture_output=True, env=dict(os.environ, SOURCE_DATE_EPOCH=str(EPOCH)))
        return path


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bin", type=Path, required=True, help="the folder holding the built relay and chair")
    parser.add_argument("--out", type=Path, required=True, help="where the tarball and the .deb are written")
    parser.add_argument("--strip", action="store_true", help="strip the executables' symbols (make release)")
    arguments = parser.parse_args()
    bin_dir = arguments.bin.resolve()
    for needed in [bin_dir / "relay", bin_dir / "chair", bin_dir / "blind-relay_RelayKit.resources"]:
        if not needed.exists():
            sys.exit(f"package: {needed} is missing; build first (swift build -c release)")
    version = version_of(bin_dir / "relay")
    arguments.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary) / "release"
        stage_release(bin_dir, root, arguments.strip)
        tarball = build_tarball(root, version, arguments.out)
        deb = build_deb(root, version, arguments.out)
    for path in [tarball, deb]:
        print(f"{sha256(path)}  {path}")


if __name__ == "__main__":
    main()
