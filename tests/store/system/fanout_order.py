#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A write's watch events leave before its acknowledgement (issue 16, item 7).

Starts keel-xenstored on a private socket and database, opens 1000 connections with one
watch each on /fan/hot, and writes below it: once the writer has its reply, every watcher's
socket must already hold exactly that write's event (poll with no timeout). A daemon that
acknowledged first, or flushed the writer before its watchers, fails.

usage: fanout_order.py path/to/keel-xenstored
"""
import os
import resource
import select
import socket
import struct
import subprocess
import sys
import tempfile
import time

WATCHERS, WRITES = 1000, 5
XS_WATCH, XS_WRITE, XS_WATCH_EVENT, XS_ERROR = 4, 11, 15, 16


def send(s, typ, *args):
    payload = b"".join(a.encode() + b"\0" for a in args)
    s.sendall(struct.pack("<4I", typ, 7, 0, len(payload)) + payload)


def recv_msg(s):
    hdr = s.recv(16, socket.MSG_WAITALL)
    if len(hdr) != 16:
        raise AssertionError("connection closed")
    typ, _, _, n = struct.unpack("<4I", hdr)
    return typ, s.recv(n, socket.MSG_WAITALL) if n else b""


def reply(s, typ):
    """The reply to the request just sent (events before it are skipped)."""
    while True:
        t, body = recv_msg(s)
        if t == XS_ERROR:
            raise AssertionError(f"request {typ}: {body!r}")
        if t == typ:
            return body


def main():
    daemon = sys.argv[1]
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = 2 * WATCHERS + 100  # ours, and the daemon's (it inherits the limit)
    if soft < need:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(need, hard), hard))
    work = tempfile.mkdtemp(prefix="keel-xs-fanout.")
    path = os.path.join(work, "socket")
    log = open(os.path.join(work, "log"), "w")
    proc = subprocess.Popen([daemon, "--db", os.path.join(work, "db"), "--socket", path],
                            stdout=log, stderr=log)
    try:
        for _ in range(200):
            if os.path.exists(path):
                break
            time.sleep(0.02)
        writer = socket.socket(socket.AF_UNIX)
        writer.connect(path)
        send(writer, XS_WRITE, "/fan/hot", "")
        reply(writer, XS_WRITE)
        watchers = []
        for i in range(WATCHERS):
            w = socket.socket(socket.AF_UNIX)
            w.connect(path)
            send(w, XS_WATCH, "/fan/hot", f"t{i}")
            reply(w, XS_WATCH)
            t, body = recv_msg(w)  # the event a new watch fires at once
            assert t == XS_WATCH_EVENT, t
            watchers.append(w)
        poller = select.poll()
        for w in watchers:
            poller.register(w, select.POLLIN)
        for k in range(WRITES):
            send(writer, XS_WRITE, f"/fan/hot/x{k}", str(k))
            reply(writer, XS_WRITE)
            ready = {fd for fd, _ in poller.poll(0)}
            assert len(ready) == WATCHERS, \
                f"write {k}: acknowledged while {WATCHERS - len(ready)} watchers had no event yet"
            for i, w in enumerate(watchers):
                t, body = recv_msg(w)
                assert t == XS_WATCH_EVENT and body == f"/fan/hot/x{k}\0t{i}\0".encode(), \
                    (k, i, t, body)
        print(f"fanout_order: {WRITES} writes, each acknowledged after all {WATCHERS} "
              "watchers had their event")
        return 0
    finally:
        proc.terminate()
        proc.wait()
        log.close()
        subprocess.run(["rm", "-rf", work], check=False)


if __name__ == "__main__":
    sys.exit(main())
