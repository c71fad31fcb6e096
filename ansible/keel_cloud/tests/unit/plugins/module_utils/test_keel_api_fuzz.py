# -*- coding: utf-8 -*-
# SPDX-License-Identifier: MIT
"""Property test (Debian's python3-hypothesis) of the one parser of what a Keel host sends:
any status and any body give a JSON object, None or a KeelError naming the call."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from hypothesis import given, settings, strategies as st

from ansible_collections.keel.cloud.plugins.module_utils.keel_api import KeelError, parse_reply

JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
                    max_leaves=20)
BODIES = st.binary(max_size=256) | JSON.map(lambda v: json.dumps(v).encode())


@settings(max_examples=400, deadline=None, database=None)
@given(status=st.integers(min_value=100, max_value=599), body=BODIES)
def test_any_reply_is_an_object_none_or_a_keel_error(status, body):
    try:
        out = parse_reply('GET', '/v1/domains', status, body)
    except KeelError as e:
        assert str(e).startswith('GET /v1/domains: %d' % status)
        assert e.status == status and isinstance(e.problem, dict)
        assert isinstance(e.result()['msg'], str)
        return
    assert 200 <= status < 300
    assert out is None if not body else isinstance(out, dict)
