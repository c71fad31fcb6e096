# -*- coding: utf-8 -*-
# SPDX-License-Identifier: MIT
"""A small client of Keel's REST API (openapi.yaml) shared by the modules and the inventory."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import time

from ansible.module_utils.six.moves.urllib.error import HTTPError, URLError
from ansible.module_utils.six.moves.urllib.parse import quote
from ansible.module_utils.urls import Request

# The options every module takes, with the CLI's environment variables as defaults.
CONNECTION_ARGS = dict(
    url=dict(type='str'),
    token=dict(type='str', no_log=True),
    ca_cert=dict(type='path'),
    timeout=dict(type='int', default=60),
)


class KeelError(Exception):
    """A failed call: the API's problem details when it answered, else why it could not."""

    def __init__(self, message, status=None, problem=None):
        super(KeelError, self).__init__(message)
        self.status = status
        self.problem = problem or {}

    def result(self):
        """The fail_json arguments: the message and the problem details as the API gave them."""
        out = dict(msg=str(self))
        if self.status is not None:
            out['status'] = self.status
        if self.problem:
            out['problem'] = self.problem
        return out


def connection_params(params, env=None):
    """url, token, ca_cert from the module's options, else KEEL_URL, KEEL_TOKEN, KEEL_CA_CERT."""
    env = os.environ if env is None else env
    url = params.get('url') or env.get('KEEL_URL')
    token = params.get('token') or env.get('KEEL_TOKEN')
    ca_cert = params.get('ca_cert') or env.get('KEEL_CA_CERT')
    if not url:
        raise KeelError('no Keel URL: set the url option or KEEL_URL')
    if not url.startswith(('http://', 'https://')):
        raise KeelError('url %r is not an http:// or https:// URL' % url)
    if not token:
        raise KeelError('no Keel token: set the token option or KEEL_TOKEN')
    return url.rstrip('/'), token, ca_cert


def problem_message(method, path, status, problem):
    """One line naming the call and the API's problem: title, detail and offending field."""
    text = '%s %s: %s' % (method, path, status)
    if not problem:
        return text + ' (no problem details)'
    for key, form in (('title', ' %s'), ('detail', ': %s'), ('field', ' (field %s)')):
        if problem.get(key):
            text += form % (problem[key],)
    return text


def parse_reply(method, path, status, text):
    """The JSON object of a 2xx reply (None when it has no body). Any other status, or a body
    that is not a JSON object, is a KeelError naming the call (with the problem details the
    server gave, when they are a JSON object)."""
    if not 200 <= status < 300:
        problem = _json_object(text) or {}
        raise KeelError(problem_message(method, path, status, problem), status, problem)
    if not text:
        return None
    reply = _json_object(text)
    if reply is None:
        raise KeelError('%s %s: %s with a body that is not a JSON object' % (method, path, status), status)
    return reply


def path_of(*parts):
    """/v1/<parts>, each percent-escaped (names come from playbooks)."""
    return '/v1/' + '/'.join(quote(str(p), safe='') for p in parts)


class KeelClient(object):
    def __init__(self, url, token, ca_cert=None, timeout=60):
        self.url = url
        self.timeout = timeout
        self.req = Request(headers={'Authorization': 'Bearer ' + token,
                                    'Accept': 'application/json'},
                           ca_path=ca_cert, timeout=timeout, follow_redirects='none',
                           use_proxy=False)

    @classmethod
    def from_params(cls, params):
        url, token, ca_cert = connection_params(params)
        return cls(url, token, ca_cert, params.get('timeout') or 60)

    def call(self, method, path, body=None, data=None, headers=None, ok_missing=False):
        """(status, json) of one call. ok_missing: a 404 is (404, None), not an error."""
        hdrs = dict(headers or {})
        if body is not None:
            data = json.dumps(body)
            hdrs['Content-Type'] = 'application/json'
        try:
            resp = self.req.open(method, self.url + path, data=data, headers=hdrs)
            status, text = resp.getcode(), resp.read()
        except HTTPError as e:
            status, text = e.code, e.read() if e.fp else b''
            if ok_missing and status == 404:
                return status, None
        except URLError as e:
            raise KeelError('cannot reach Keel at %s: %s' % (self.url, getattr(e, 'reason', e)))
        except (OSError, ValueError) as e:
            raise KeelError('cannot reach Keel at %s: %s' % (self.url, e))
        return status, parse_reply(method, path, status, text)

    def get(self, path, ok_missing=False):
        return self.call('GET', path, ok_missing=ok_missing)[1]

    def list_all(self, path, query=''):
        """Every item of a paginated list (domains, jobs)."""
        items, cursor = [], None
        while True:
            q = 'limit=500' + ('&' + query if query else '')
            if cursor:
                q += '&cursor=' + quote(cursor, safe='')
            page = self.get(path + '?' + q)
            if not isinstance(page, dict) or not isinstance(page.get('items'), list):
                raise KeelError('GET %s: the reply is not a page of items' % path)
            items.extend(page['items'])
            cursor = page.get('next_cursor')
            if cursor is not None and not isinstance(cursor, str):
                raise KeelError('GET %s: next_cursor is not a string' % path)
            if not cursor:
                return items

    def wait_job(self, job, timeout=None):
        """The job once it is no longer running; a failed job raises with its problem."""
        deadline = time.time() + (timeout or self.timeout)
        delay = 0.05
        while job['state'] == 'running':
            if time.time() > deadline:
                raise KeelError('job %s (%s) still running after %s s'
                                % (job['id'], job['kind'], timeout or self.timeout))
            time.sleep(delay)
            delay = min(delay * 2, 1.0)
            job = self.get(path_of('jobs', job['id']))
        if job['state'] == 'failed':
            problem = job.get('error') or {}
            raise KeelError('job %s (%s) failed: %s' % (job['id'], job['kind'],
                                                        problem.get('detail') or problem.get('title') or job.get('message')),
                            problem.get('status'), problem)
        return job


def _json_object(text):
    """The JSON object in text (bytes), or None (not UTF-8, not JSON, not an object)."""
    try:
        if isinstance(text, bytes):
            text = text.decode('utf-8')
        js = json.loads(text)
    except ValueError:
        return None
    return js if isinstance(js, dict) else None


def argument_spec(**resource_args):
    """The module's argument_spec: its own options plus url, token, ca_cert and timeout."""
    spec = dict((k, dict(v)) for k, v in CONNECTION_ARGS.items())
    spec.update(resource_args)
    return spec


def client_or_fail(module):
    """A client from the module's options; a missing URL or token fails the task."""
    try:
        return KeelClient.from_params(module.params)
    except KeelError as e:
        module.fail_json(**e.result())
    return None  # not reached: fail_json exits
