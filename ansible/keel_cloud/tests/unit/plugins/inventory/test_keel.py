# -*- coding: utf-8 -*-
# SPDX-License-Identifier: MIT
"""The inventory plugin's listing of one Keel host (a scripted host, conftest.py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.keel.cloud.plugins.inventory.keel import InventoryModule, group_name
from ansible_collections.keel.cloud.plugins.module_utils.keel_api import KeelError


def plugin():
    p = InventoryModule()
    p.get_option = {'timeout': 5}.get  # the one option list_host reads
    return p


def test_host_variables_of_each_domain(server):
    dom = {'id': 'u1', 'name': 'web1', 'state': 'running', 'domid': 3, 'vcpus': 2, 'memory_mib': 64,
           'nics': [{'id': '0', 'mac': '00:16:3e:00:00:01', 'bridge': 'xenbr0'}]}
    server.script = [(200, {'items': [dom], 'total': 1, 'next_cursor': None})]
    listed = plugin().list_host({'name': 'keel1', 'url': server.url, 'token': 't'})
    assert listed == [('web1', {'keel_host': 'keel1', 'keel_url': server.url, 'keel_id': 'u1', 'keel_domid': 3,
                                'keel_state': 'running', 'keel_vcpus': 2, 'keel_memory_mib': 64,
                                'keel_addresses': [{'id': '0', 'mac': '00:16:3e:00:00:01', 'bridge': 'xenbr0'}]})]
    assert server.seen[0]['headers']['Authorization'] == 'Bearer t'


@pytest.mark.parametrize('item', [{'name': 'x'}, 'web1', None, {'id': 'u', 'name': 'x', 'state': 's', 'domid': 1,
                                                                'vcpus': 1, 'memory_mib': 1, 'nics': [5]}])
def test_an_item_that_is_not_a_domain_fails_that_host(server, item):
    server.script = [(200, {'items': [item], 'total': 1, 'next_cursor': None})]
    with pytest.raises(KeelError, match='an item is not a domain'):
        plugin().list_host({'name': 'keel1', 'url': server.url, 'token': 't'})


def test_a_host_without_url_or_token_says_which(monkeypatch):
    monkeypatch.delenv('KEEL_URL', raising=False)
    with pytest.raises(KeelError, match='no Keel URL'):
        plugin().list_host({'name': 'keel1'})


def test_group_names_are_valid():
    assert group_name('keel_host_', 'keel-1.example') == 'keel_host_keel_1_example'
    assert group_name('keel_state_', 'shutting_down') == 'keel_state_shutting_down'
