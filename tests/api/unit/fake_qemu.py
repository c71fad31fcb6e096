#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""TEST DOUBLE of qemu-system-xen for controld's device-model supervisor (test_device_model.c):
takes QEMU's command line, prints a line on stdout and one with control characters on stderr,
serves COM1's Unix socket (-chardev socket,id=serial0,path=P,server=on) with a greeting and an
echo of what it gets, and QMP on the libxl-cmd chardev (-S required) as QEMU 7.2 answers the
supervisor's handshake, once the test creates RUNDIR/<domid>-go (as QEMU would take its time).
FAKE_QEMU_QMP picks a hostile monitor instead: garbage, silent (never greets), die (exits
after the greeting), error (refuses qmp_capabilities), flood (events only), long (an endless
line), running (query-status says "running"). FAKE_QEMU_IGNORE_TERM=1: SIGTERM is ignored (the
supervisor must SIGKILL it). Each QMP command received is appended to RUNDIR/<domid>-qmp.log."""
import json
import os
import signal
import socket
import sys
import threading
import time

args = sys.argv[1:]
if os.environ.get("FAKE_QEMU_IGNORE_TERM") == "1":
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
chardevs = {}
for i, a in enumerate(args):
    if a == "-chardev":
        kv = dict(x.split("=", 1) for x in args[i + 1].split(",") if "=" in x)
        chardevs[kv["id"]] = kv["path"]
domid = args[args.index("-xen-domid") + 1]
run_dir = os.path.dirname(chardevs["libxl-cmd"])
if "-S" not in args:
    sys.exit("fake-qemu: no -S: the guest would run before the supervisor's cont")
print("fake-qemu: domid %s, %d arguments" % (domid, len(args)), flush=True)
print("fake-qemu: on stderr \x1b[2J\r", file=sys.stderr, flush=True)


def listen(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(path)
    s.listen(1)
    return s


def serve_com1(srv):
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


GREETING = {"QMP": {"version": {"qemu": {"micro": 0, "minor": 2, "major": 7}, "package": ""},
                    "capabilities": ["oob"]}}


def send(conn, obj):
    conn.sendall(json.dumps(obj).encode() + b"\r\n")


def serve_qmp(conn, mode):
    while not os.path.exists(os.path.join(run_dir, domid + "-go")):
        time.sleep(0.05)
    if mode == "silent":
        time.sleep(3600)
    if mode == "garbage":
        conn.sendall(b"\x00\xffnot json at all\r\n")
    if mode == "long":
        while True:
            conn.sendall(b" " * 65536)
    send(conn, GREETING)
    if mode == "die":
        os._exit(3)
    if mode == "flood":
        while True:
            send(conn, {"event": "STOP", "timestamp": {"seconds": 0, "microseconds": 0}})
    status = "running" if mode == "running" else "prelaunch"
    for line in conn.makefile("rb"):
        cmd = json.loads(line)
        with open(os.path.join(run_dir, domid + "-qmp.log"), "a") as log:
            log.write(cmd["execute"] + "\n")
        if cmd["execute"] == "qmp_capabilities" and mode == "error":
            send(conn, {"error": {"class": "CommandNotFound", "desc": "no \x1b"}, "id": cmd["id"]})
        elif cmd["execute"] == "query-status":
            send(conn, {"event": "RESUME", "timestamp": {"seconds": 0, "microseconds": 0}})
            send(conn, {"return": {"status": status, "singlestep": False, "running": False},
                        "id": cmd["id"]})
        else:
            send(conn, {"return": {}, "id": cmd["id"]})


com1 = listen(chardevs["serial0"])
threading.Thread(target=serve_com1, args=(com1,), daemon=True).start()
qmp = listen(chardevs["libxl-cmd"])
mode = os.environ.get("FAKE_QEMU_QMP", "ok")
while True:
    conn, _ = qmp.accept()
    try:
        serve_qmp(conn, mode)
    except (OSError, ValueError):
        pass  # the supervisor closed its end (it closes QMP once QEMU took "cont")
    conn.close()
