#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""TEST DOUBLE of qemu-system-xen for controld's device-model supervisor (test_device_model.c):
takes QEMU's command line, prints a line on stdout and one with control characters on stderr, serves COM1's Unix socket
(-chardev socket,...,path=P,server=on) with a greeting and an echo of what it gets. It never
writes "running" to xenstore: the test does, as QEMU would. FAKE_QEMU_IGNORE_TERM=1: SIGTERM
is ignored (the supervisor must SIGKILL it)."""
import os
import signal
import socket
import sys

args = sys.argv[1:]
if os.environ.get("FAKE_QEMU_IGNORE_TERM") == "1":
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
chardev = args[args.index("-chardev") + 1]
path = dict(kv.split("=", 1) for kv in chardev.split(",") if "=" in kv)["path"]
print("fake-qemu: domid %s, %d arguments" % (args[args.index("-xen-domid") + 1], len(args)),
      flush=True)
print("fake-qemu: on stderr \x1b[2J\r", file=sys.stderr, flush=True)
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(1)
while True:
    conn, _ = srv.accept()
    try:
        conn.sendall(b"fake-qemu: hello on COM1\r\n")
        while True:
            data = conn.recv(4096)
            if not data:
                break
            conn.sendall(b"echo: " + data)
    except OSError:
        pass  # the supervisor closed its end
    conn.close()
