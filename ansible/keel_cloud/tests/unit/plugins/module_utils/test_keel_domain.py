# -*- coding: utf-8 -*-
# SPDX-License-Identifier: MIT
"""The domain module's decisions (module_utils/keel_domain.py) on API-shaped domains."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.keel.cloud.plugins.module_utils.keel_domain import (
    missing_for_create, plan, plan_changes, predicted, run_state_actions, spec_from_params, view)


def domain(**kw):
    """A Domain as GET /v1/domains/{domain} returns it."""
    d = {'id': '0b3c1c52-5a39-4d67-9e7b-6a8a3e1f4f55', 'name': 'web1', 'state': 'running', 'domid': 3,
         'generation': 4, 'vcpus': 1, 'max_vcpus': 2, 'memory_mib': 64, 'memory_target_mib': 64,
         'sched': {'weight': 256, 'cap': 0}, 'pinning': [],
         'boot': {'type': 'pvh', 'kernel': '/k', 'cmdline': '', 'initrd': ''},
         'disks': [{'id': 'xvda', 'path': 'img', 'format': 'raw', 'readonly': True}],
         'nics': [{'id': '0', 'mac': '00:16:3e:00:00:01', 'bridge': 'xenbr0'}], 'pci': [],
         'created_at': '2026-01-01T00:00:00.000Z', 'updated_at': '2026-01-01T00:00:00.000Z',
         'job_id': None}
    d.update(kw)
    return d


def params(**kw):
    """Module parameters as AnsibleModule hands them over: every option, None when unset."""
    p = dict((k, None) for k in ('name', 'vcpus', 'max_vcpus', 'memory_mib', 'memory_target_mib',
                                 'sched', 'pinning', 'boot', 'disks', 'nics', 'pci'))
    p.update(state='present', stop_method='shutdown', shutdown_timeout=30, url=None, token=None)
    p.update(kw)
    return p


def test_spec_takes_only_set_options_and_fills_api_defaults():
    spec = spec_from_params(params(name='web1', vcpus=2, sched={'weight': 512, 'cap': None},
                                   boot={'type': 'pvh', 'kernel': '/k', 'cmdline': None, 'initrd': None,
                                         'firmware': None, 'disk_controller': None},
                                   disks=[{'id': 'xvda', 'path': 'img', 'format': None, 'readonly': None}],
                                   nics=[{'id': '0', 'mac': None, 'bridge': None}]))
    assert spec == {'name': 'web1', 'vcpus': 2, 'sched': {'weight': 512},
                    'boot': {'type': 'pvh', 'kernel': '/k'},
                    'disks': [{'id': 'xvda', 'path': 'img', 'format': 'raw', 'readonly': False}],
                    'nics': [{'id': '0', 'bridge': 'xenbr0'}]}
    assert 'state' not in spec and 'url' not in spec


def test_create_needs_the_api_required_fields():
    assert missing_for_create({'name': 'a', 'vcpus': 1}) == ['memory_mib', 'boot']
    assert missing_for_create({'name': 'a', 'vcpus': 1, 'memory_mib': 64, 'boot': {'type': 'hvm'}}) == []


def test_same_spec_plans_nothing():
    cur = domain()
    spec = {'name': 'web1', 'vcpus': 1, 'max_vcpus': 2, 'memory_mib': 64, 'sched': {'weight': 256},
            'boot': {'type': 'pvh', 'kernel': '/k'},
            'disks': [{'id': 'xvda', 'path': 'img', 'format': 'raw', 'readonly': True}],
            'nics': [{'id': '0', 'bridge': 'xenbr0'}], 'pci': []}
    p = plan(cur, spec)
    assert not plan_changes(p) and p['fixed'] == []


def test_patchable_fields_become_one_patch():
    p = plan(domain(), {'vcpus': 2, 'sched': {'weight': 512}, 'pinning': [[0], [1]]})
    assert p['patch'] == {'vcpus': 2, 'sched': {'weight': 512}, 'pinning': [[0], [1]]}
    assert plan_changes(p)
    # A sched member left out is not managed.
    assert plan(domain(), {'sched': {'cap': 0}})['patch'] == {}


def test_fixed_fields_are_reported_not_patched():
    p = plan(domain(), {'memory_mib': 128, 'max_vcpus': 4, 'boot': {'type': 'pvh', 'kernel': '/other'}})
    assert p['fixed'] == ['max_vcpus', 'memory_mib', 'boot'] and p['patch'] == {}
    # The API reports no cmdline as "": asking for none is no difference, asking for one is.
    assert plan(domain(), {'boot': {'type': 'pvh', 'kernel': '/k'}})['fixed'] == []
    assert plan(domain(), {'boot': {'type': 'pvh', 'kernel': '/k', 'cmdline': 'quiet'}})['fixed'] == ['boot']


def test_devices_are_added_removed_and_replaced_by_id():
    cur = domain(disks=[{'id': 'xvda', 'path': 'a', 'format': 'raw', 'readonly': False},
                        {'id': 'xvdb', 'path': 'b', 'format': 'raw', 'readonly': False}],
                 pci=['0000:03:00.0'])
    p = plan(cur, {'disks': [{'id': 'xvda', 'path': 'a2', 'format': 'raw', 'readonly': False},
                             {'id': 'xvdc', 'path': 'c', 'format': 'raw', 'readonly': False}],
                   'pci': ['0000:04:00.0']})
    assert sorted(d['id'] for d in p['remove_disks']) == ['xvda', 'xvdb']
    assert sorted(d['id'] for d in p['add_disks']) == ['xvda', 'xvdc']
    assert p['remove_pci'] == ['0000:03:00.0'] and p['add_pci'] == ['0000:04:00.0']
    assert p['add_nics'] == [] and p['remove_nics'] == []


def test_a_generated_mac_is_left_alone_unless_one_is_asked_for():
    assert not plan_changes(plan(domain(), {'nics': [{'id': '0', 'bridge': 'xenbr0'}]}))
    p = plan(domain(), {'nics': [{'id': '0', 'mac': '00:16:3e:00:00:02', 'bridge': 'xenbr0'}]})
    assert [n['mac'] for n in p['remove_nics']] == ['00:16:3e:00:00:01']
    assert [n['mac'] for n in p['add_nics']] == ['00:16:3e:00:00:02']


def test_run_state_actions():
    assert run_state_actions('started', 'stopped', 'shutdown') == ['start']
    assert run_state_actions('started', 'crashed', 'shutdown') == ['start']
    assert run_state_actions('started', 'paused', 'shutdown') == ['unpause']
    assert run_state_actions('started', 'running', 'shutdown') == []
    assert run_state_actions('stopped', 'running', 'shutdown') == ['shutdown']
    assert run_state_actions('stopped', 'paused', 'shutdown') == ['unpause', 'shutdown']
    assert run_state_actions('stopped', 'running', 'destroy') == ['destroy']
    assert run_state_actions('stopped', 'crashed', 'shutdown') == ['destroy']
    assert run_state_actions('stopped', 'stopped', 'destroy') == []
    assert run_state_actions('present', 'running', 'destroy') == []


def test_diff_view_and_prediction():
    cur = domain()
    v = view(cur)
    assert 'generation' not in v and 'id' not in v and v['sched'] == {'weight': 256, 'cap': 0}
    after = predicted(cur, {'vcpus': 2, 'sched': {'weight': 512}}, 'stopped')
    assert after['vcpus'] == 2 and after['sched'] == {'weight': 512, 'cap': 0} and after['state'] == 'stopped'
    assert cur['vcpus'] == 1, 'the prediction must not change the current domain'
    new = predicted(None, {'name': 'n', 'vcpus': 1, 'memory_mib': 64}, 'present')
    assert new == {'name': 'n', 'vcpus': 1, 'memory_mib': 64, 'max_vcpus': 1, 'memory_target_mib': 64,
                   'state': 'stopped'}
