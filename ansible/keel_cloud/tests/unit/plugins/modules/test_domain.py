# -*- coding: utf-8 -*-
# SPDX-License-Identifier: MIT
"""The domain module's calls, in order, against a scripted Keel host (conftest.py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

import pytest

from ansible_collections.keel.cloud.plugins.module_utils.keel_api import KeelClient, KeelError
from ansible_collections.keel.cloud.plugins.modules.domain import DomainTask

JOB = '11111111-2222-3333-4444-555555555555'


class Failed(Exception):
    pass


class FakeModule(object):
    """What DomainTask uses of AnsibleModule: its params, check_mode and fail_json."""

    def __init__(self, check_mode=False, **params):
        self.check_mode = check_mode
        self.params = dict((k, None) for k in ('vcpus', 'max_vcpus', 'memory_mib', 'memory_target_mib',
                                               'sched', 'pinning', 'boot', 'disks', 'nics', 'pci'))
        self.params.update(state='present', stop_method='shutdown', shutdown_timeout=30, timeout=5)
        self.params.update(params)

    def fail_json(self, **kw):
        raise Failed(kw)


def domain(**kw):
    d = {'id': '0b3c1c52-5a39-4d67-9e7b-6a8a3e1f4f55', 'name': 'web1', 'state': 'stopped', 'domid': None,
         'generation': 4, 'vcpus': 1, 'max_vcpus': 2, 'memory_mib': 64, 'memory_target_mib': 64,
         'sched': {'weight': 256, 'cap': 0}, 'pinning': [], 'boot': {'type': 'pvh', 'kernel': '/k'},
         'disks': [], 'nics': [], 'pci': [], 'job_id': None,
         'created_at': '2026-01-01T00:00:00.000Z', 'updated_at': '2026-01-01T00:00:00.000Z'}
    d.update(kw)
    return d


def job(state):
    return {'id': JOB, 'kind': 'domain.shutdown', 'state': state, 'message': '', 'error': None}


def run(server, check_mode=False, **params):
    return DomainTask(FakeModule(check_mode, name='web1', **params), KeelClient(server.url, 't', timeout=5)).run()


def calls(server):
    return [(s['method'], s['path'], s['headers'].get('If-Match')) for s in server.seen]


def test_spec_changes_are_guarded_by_the_generation_read(server):
    d5 = domain(generation=5, sched={'weight': 512, 'cap': 0})
    d6 = domain(generation=6, sched={'weight': 512, 'cap': 0}, disks=[{'id': 'xvda', 'path': 'img', 'format': 'raw',
                                                                          'readonly': False}])
    server.script = [(200, domain()), (200, d5), (200, d6), (200, d6)]
    out = run(server, sched={'weight': 512, 'cap': None}, disks=[{'id': 'xvda', 'path': 'img', 'format': None,
                                                                   'readonly': None}])
    assert calls(server) == [('GET', '/v1/domains/web1', None), ('PATCH', '/v1/domains/web1', '"4"'),
                             ('POST', '/v1/domains/web1/disks', '"5"'), ('GET', '/v1/domains/web1', None)]
    assert server.seen[1]['body'] == {'sched': {'weight': 512}}
    assert server.seen[2]['body'] == {'id': 'xvda', 'path': 'img', 'format': 'raw', 'readonly': False}
    assert out['changed'] and out['actions'] == ['patch sched', 'add disk xvda'] and out['domain'] == d6
    assert out['diff']['before']['sched']['weight'] == 256 and out['diff']['after']['sched']['weight'] == 512


def test_a_concurrent_change_fails_the_task(server):
    server.script = [(200, domain()), (412, {'type': 'urn:keel:problem:precondition-failed',
                                            'title': 'Precondition failed', 'status': 412})]
    with pytest.raises(KeelError, match='changed while this task ran') as e:
        run(server, vcpus=2)
    assert e.value.status == 412


def test_an_unchanged_domain_makes_no_call_but_the_read(server):
    server.script = [(200, domain())]
    out = run(server, vcpus=1, sched={'weight': 256, 'cap': None})
    assert not out['changed'] and out['actions'] == [] and len(server.seen) == 1


def test_check_mode_reads_only(server):
    server.script = [(404, {'title': 'Not found', 'status': 404})]
    out = run(server, check_mode=True, state='started', vcpus=1, memory_mib=64,
              boot={'type': 'pvh', 'kernel': '/k', 'cmdline': None, 'initrd': None, 'firmware': None, 'disk_controller': None})
    assert out['changed'] and out['actions'] == ['create', 'start'] and len(server.seen) == 1
    assert out['diff']['before'] == {} and out['diff']['after']['state'] == 'running'


def test_absent_stops_gracefully_waits_for_the_job_and_deletes(server):
    server.script = [(200, domain(state='running', domid=3)), (202, job('running')), (200, job('succeeded')),
                     (204, None)]
    out = run(server, state='absent')
    assert calls(server) == [('GET', '/v1/domains/web1', None), ('POST', '/v1/domains/web1/actions/shutdown', None),
                             ('GET', '/v1/jobs/' + JOB, None), ('DELETE', '/v1/domains/web1', None)]
    assert server.seen[1]['body'] == {'timeout_s': 30}
    assert out['changed'] and out['actions'] == ['shutdown', 'delete'] and 'domain' not in out


def test_a_job_in_progress_is_waited_for_first(server):
    busy = domain(state='shutting_down', job_id=JOB)
    server.script = [(200, busy), (200, job('running')), (200, job('succeeded')), (200, domain())]
    out = run(server, state='stopped')
    assert [c[1] for c in calls(server)] == ['/v1/domains/web1', '/v1/jobs/' + JOB, '/v1/jobs/' + JOB,
                                             '/v1/domains/web1']
    assert not out['changed']


def test_fixed_fields_fail_without_a_call(server):
    server.script = [(200, domain())]
    with pytest.raises(Failed) as e:
        run(server, memory_mib=128)
    assert 'memory_mib cannot change' in e.value.args[0]['msg'] and len(server.seen) == 1


def test_create_needs_the_required_fields(server):
    server.script = [(404, {'title': 'Not found', 'status': 404})]
    with pytest.raises(Failed) as e:
        run(server, vcpus=1)
    assert e.value.args[0]['msg'] == 'domain web1 does not exist; creating it needs memory_mib, boot'


def test_start_after_create(server):
    created = domain()
    running = copy.deepcopy(created)
    running.update(state='running', domid=7, generation=6)
    done = dict(job('succeeded'), kind='domain.start')
    server.script = [(404, {'status': 404}), (201, created), (200, done), (200, running)]
    out = run(server, state='started', vcpus=1, memory_mib=64,
              boot={'type': 'pvh', 'kernel': '/k', 'cmdline': None, 'initrd': None, 'firmware': None, 'disk_controller': None})
    assert [c[:2] for c in calls(server)] == [('GET', '/v1/domains/web1'), ('POST', '/v1/domains'),
                                              ('POST', '/v1/domains/web1/actions/start'), ('GET', '/v1/domains/web1')]
    assert server.seen[1]['body'] == {'name': 'web1', 'vcpus': 1, 'memory_mib': 64,
                                      'boot': {'type': 'pvh', 'kernel': '/k'}}
    assert out['domain']['state'] == 'running' and out['actions'] == ['create', 'start']
