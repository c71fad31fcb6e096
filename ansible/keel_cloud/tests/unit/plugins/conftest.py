# -*- coding: utf-8 -*-
# SPDX-License-Identifier: MIT
"""A scripted HTTP server on 127.0.0.1 standing in for a Keel host in the unit tests."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import threading

import pytest
from ansible.module_utils.six.moves import BaseHTTPServer


class Scripted(BaseHTTPServer.BaseHTTPRequestHandler):
    """Answers each request with the next (status, body) of the server's script; records it."""

    def handle_one(self):
        n = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(n) if n else b''
        self.server.seen.append(dict(method=self.command, path=self.path, headers=dict(self.headers),
                                     body=json.loads(body) if body.startswith(b'{') else body))
        status, reply = self.server.script.pop(0)
        data = b'' if status == 204 else json.dumps(reply).encode()
        self.send_response(status)
        self.send_header('Content-Type', 'application/problem+json' if status >= 400 else 'application/json')
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = handle_one

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    srv = BaseHTTPServer.HTTPServer(('127.0.0.1', 0), Scripted)
    srv.script, srv.seen = [], []
    srv.url = 'http://127.0.0.1:%d' % srv.server_address[1]
    t = threading.Thread(target=srv.serve_forever)
    t.daemon = True
    t.start()
    yield srv
    srv.shutdown()
    srv.server_close()
    assert srv.script == [], 'the code under test made fewer calls than scripted'
