"""Starts a `relay` (or `relay-bench http-floor`) process and waits until it says it is ready.

The one launcher of the Python harnesses (Tests/Live, the benchmark); Tests/Support/RelayProcess.swift
is the Swift tests' copy of the same few steps. The process tells its address by the service
manager's readiness protocol, as systemd would hear it: one datagram on the Unix socket named in
NOTIFY_SOCKET, holding READY=1 and X_BLIND_RELAY_ADDRESS=host:port. Nothing is read from the log.
"""
import os
import socket
import subprocess
import tempfile
import time
from pathlib import Path


class NotReady(Exception):
    """The process exited or stayed silent; the message holds its log."""


def launch(command, env, log_path, timeout=30, other_user=False):
    """Runs `command` with `env`, output to `log_path`; returns (process, log file, "http://host:port").
    With `other_user`, the readiness socket is left open to a process that runs as another user
    (the .deb's relay, started with runuser)."""
    socket_folder = Path(tempfile.mkdtemp(prefix="blind-relay-notify-"))
    socket_path = socket_folder / "notify"
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    log_file = open(log_path, "wb")
    try:
        listener.bind(str(socket_path))
        if other_user:
            socket_folder.chmod(0o755)
            socket_path.chmod(0o666)
        listener.settimeout(0.1)
        process = subprocess.Popen([str(part) for part in command], env=dict(env, NOTIFY_SOCKET=str(socket_path)),
                                   stdout=log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                fields = dict(line.split("=", 1) for line in listener.recv(4096).decode().splitlines() if "=" in line)
            except socket.timeout:
                if process.poll() is not None:
                    break
                continue
            if fields.get("READY") == "1" and fields.get("X_BLIND_RELAY_ADDRESS"):
                return process, log_file, "http://" + fields["X_BLIND_RELAY_ADDRESS"]
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=10)
        log_file.close()
        raise NotReady(f"{Path(str(command[0])).name} did not start:\n" + Path(log_path).read_text(errors="replace"))
    finally:
        listener.close()
        socket_path.unlink(missing_ok=True)
        os.rmdir(socket_folder)
