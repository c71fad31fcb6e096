# -*- coding: utf-8 -*-
# SPDX-License-Identifier: MIT
"""The API client (module_utils/keel_api.py) against a scripted HTTP server on 127.0.0.1."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import socket

import pytest

from ansible_collections.keel.cloud.plugins.module_utils.keel_api import (
    KeelClient, KeelError, connection_params, parse_reply, path_of, problem_message)


def client(srv):
    return KeelClient(srv.url, 'keel_tok', timeout=5)


def test_connection_params_default_to_the_cli_environment():
    env = {'KEEL_URL': 'https://h:18443/', 'KEEL_TOKEN': 't', 'KEEL_CA_CERT': '/ca'}
    assert connection_params({}, env) == ('https://h:18443', 't', '/ca')
    assert connection_params({'url': 'http://o', 'token': 'u', 'ca_cert': None}, env) == ('http://o', 'u', '/ca')
    with pytest.raises(KeelError, match='KEEL_URL'):
        connection_params({}, {})
    with pytest.raises(KeelError, match='KEEL_TOKEN'):
        connection_params({'url': 'http://o'}, {})
    with pytest.raises(KeelError, match='not an http'):
        connection_params({'url': 'ftp://o', 'token': 't'}, {})


def test_paths_are_escaped():
    assert path_of('domains', 'a b/c') == '/v1/domains/a%20b%2Fc'


def test_problem_details_become_the_error(server):
    problem = {'type': 'urn:keel:problem:conflict', 'title': 'Conflict', 'status': 409,
               'detail': 'name taken', 'field': '/name'}
    server.script = [(409, problem)]
    with pytest.raises(KeelError) as e:
        client(server).call('POST', '/v1/domains', body={'name': 'x'})
    assert str(e.value) == 'POST /v1/domains: 409 Conflict: name taken (field /name)'
    assert e.value.result() == {'msg': str(e.value), 'status': 409, 'problem': problem}
    seen = server.seen[0]
    assert (seen['method'], seen['path'], seen['headers']['Authorization'], seen['body']) == \
        ('POST', '/v1/domains', 'Bearer keel_tok', {'name': 'x'})


def test_missing_is_none_only_when_asked(server):
    server.script = [(404, {'title': 'Not found', 'status': 404}), (404, {'title': 'Not found', 'status': 404})]
    assert client(server).get('/v1/domains/x', ok_missing=True) is None
    with pytest.raises(KeelError, match='404 Not found'):
        client(server).get('/v1/domains/x')


def test_unreachable_host_says_so():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    with pytest.raises(KeelError, match='cannot reach Keel at http://127.0.0.1:%d' % port) as e:
        KeelClient('http://127.0.0.1:%d' % port, 't', timeout=2).get('/v1/host')
    assert e.value.status is None


def test_list_all_follows_cursors(server):
    server.script = [(200, {'items': [{'name': 'a'}], 'total': 2, 'next_cursor': 'c1'}),
                     (200, {'items': [{'name': 'b'}], 'total': 2, 'next_cursor': None})]
    assert [d['name'] for d in client(server).list_all('/v1/domains', 'state=running')] == ['a', 'b']
    assert [s['path'] for s in server.seen] == ['/v1/domains?limit=500&state=running',
                                          '/v1/domains?limit=500&state=running&cursor=c1']


def job(state, **kw):
    j = {'id': '11111111-2222-3333-4444-555555555555', 'kind': 'domain.shutdown', 'state': state,
         'message': '', 'error': None}
    j.update(kw)
    return j


def test_wait_job_polls_until_done(server):
    server.script = [(200, job('running')), (200, job('succeeded'))]
    assert client(server).wait_job(job('running'))['state'] == 'succeeded'
    assert [s['path'] for s in server.seen] == ['/v1/jobs/11111111-2222-3333-4444-555555555555'] * 2


def test_a_failed_job_raises_its_problem(server):
    err = {'type': 'urn:keel:problem:backend', 'title': 'Backend failed', 'status': 502, 'detail': 'boom'}
    server.script = [(200, job('failed', error=err))]
    with pytest.raises(KeelError, match='failed: boom') as e:
        client(server).wait_job(job('running'))
    assert e.value.problem == err and e.value.status == 502


def test_wait_job_gives_up_at_its_timeout(server):
    server.script = [(200, job('running'))] * 50
    with pytest.raises(KeelError, match='still running after 0.2 s'):
        client(server).wait_job(job('running'), timeout=0.2)
    assert len(server.seen) < 50
    del server.script[:]


def test_problem_message_without_details():
    assert problem_message('GET', '/v1/host', 502, {}) == 'GET /v1/host: 502 (no problem details)'


@pytest.mark.parametrize('status,text,message', [
    (200, b'<html>proxy</html>', 'GET /v1/x: 200 with a body that is not a JSON object'),
    (200, b'[1, 2]', 'GET /v1/x: 200 with a body that is not a JSON object'),
    (200, b'\xff\xfe{}', 'GET /v1/x: 200 with a body that is not a JSON object'),
    (502, b'<html>Bad gateway</html>', 'GET /v1/x: 502 (no problem details)'),
    (409, b'["not", "a", "problem"]', 'GET /v1/x: 409 (no problem details)'),
    (409, b'{"title": 5, "detail": ["x"]}', "GET /v1/x: 409 5: ['x']"),
    (302, b'', 'GET /v1/x: 302 (no problem details)'),
])
def test_replies_that_are_not_the_api_are_errors(status, text, message):
    with pytest.raises(KeelError) as e:
        parse_reply('GET', '/v1/x', status, text)
    assert str(e.value) == message and e.value.status == status


def test_empty_and_object_replies():
    assert parse_reply('DELETE', '/v1/x', 204, b'') is None
    assert parse_reply('GET', '/v1/x', 200, b'{"a": 1}') == {'a': 1}


def test_a_page_without_items_is_an_error(server):
    server.script = [(200, {'total': 0}), (200, {'items': [], 'next_cursor': 5})]
    with pytest.raises(KeelError, match='not a page of items'):
        client(server).list_all('/v1/domains')
    with pytest.raises(KeelError, match='next_cursor is not a string'):
        client(server).list_all('/v1/domains')
