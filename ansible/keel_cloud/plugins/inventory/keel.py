# -*- coding: utf-8 -*-
# SPDX-License-Identifier: MIT

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: keel
short_description: The domains of several Keel hosts as an inventory
description:
  - Lists the domains of every Keel host named in the configuration (C(GET /v1/domains)
    on each) as inventory hosts, so one play can act on all guests of a fleet.
  - Each domain gets the host variables C(keel_host) (the Keel host's name), C(keel_url),
    C(keel_id), C(keel_domid), C(keel_state), C(keel_vcpus), C(keel_memory_mib) and
    C(keel_addresses) (its NICs' C(id), C(mac) and C(bridge); the API reports no IP addresses,
    so set C(ansible_host) through I(compose) where your DHCP or DNS knows them).
  - Groups C(keel_state_<state>) (for example C(keel_state_running)) and C(keel_host_<name>).
  - A domain name found on more than one Keel host is named C(<name>.<keel host>) on each.
  - The configuration file's name ends in C(keel.yml) or C(keel.yaml).
version_added: 1.0.0
author: Keel project
extends_documentation_fragment:
  - constructed
options:
  plugin:
    description: The plugin's name, so Ansible picks it for this file.
    type: str
    required: true
    choices: [keel.cloud.keel]
  keel_hosts:
    description: The Keel hosts to list.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: The Keel host's name (in C(keel_host) and the C(keel_host_<name>) group).
        type: str
        required: true
      url:
        description: Its REST API base URL.
        type: str
        required: true
      token:
        description: A bearer token of scope read; defaults to C(KEEL_TOKEN).
        type: str
      ca_cert:
        description: The CA certificate of its TLS certificate; defaults to C(KEEL_CA_CERT).
        type: path
  fail_on_errors:
    description:
      - Fail the whole inventory when a Keel host cannot be listed (unreachable, refused token).
      - By default that host is skipped with a warning naming it and why, and the others are listed.
    type: bool
    default: false
  timeout:
    description: Seconds to wait for each Keel host.
    type: int
    default: 10
'''

EXAMPLES = r'''
# fleet.keel.yml
plugin: keel.cloud.keel
keel_hosts:
  - name: keel1
    url: https://keel1:18443
    token: keel_0123456789abcdef_...
    ca_cert: /etc/keel/ca.crt
  - name: keel2
    url: https://keel2:18443
keyed_groups:
  - key: keel_vcpus
    prefix: vcpus
'''

import os
import re
from collections import Counter

from ansible.errors import AnsibleParserError
from ansible.plugins.inventory import BaseInventoryPlugin, Constructable
from ansible_collections.keel.cloud.plugins.module_utils.keel_api import (
    KeelClient, KeelError, connection_params)


def group_name(prefix, value):
    """A valid group name: letters, digits and _ only."""
    return prefix + re.sub(r'[^A-Za-z0-9_]', '_', str(value))


def domain_vars(keel_host, url, d):
    return dict(keel_host=keel_host, keel_url=url, keel_id=d['id'], keel_domid=d['domid'],
                keel_state=d['state'], keel_vcpus=d['vcpus'], keel_memory_mib=d['memory_mib'],
                keel_addresses=[dict(id=n['id'], mac=n.get('mac'), bridge=n.get('bridge'))
                                for n in d.get('nics') or []])


class InventoryModule(BaseInventoryPlugin, Constructable):
    NAME = 'keel.cloud.keel'

    def verify_file(self, path):
        return super(InventoryModule, self).verify_file(path) and path.endswith(('keel.yml', 'keel.yaml'))

    def list_host(self, entry):
        """(domain name, host variables) of every domain of one Keel host."""
        params = dict(url=entry.get('url'), token=entry.get('token'), ca_cert=entry.get('ca_cert'))
        url, token, ca_cert = connection_params(params, os.environ)
        domains = KeelClient(url, token, ca_cert, self.get_option('timeout')).list_all('/v1/domains')
        try:
            return [(d['name'], domain_vars(entry['name'], url, d)) for d in domains]
        except (KeyError, TypeError, AttributeError) as e:
            raise KeelError('GET /v1/domains: an item is not a domain (%s: %s)' % (type(e).__name__, e))

    def parse(self, inventory, loader, path, cache=True):
        super(InventoryModule, self).parse(inventory, loader, path, cache)
        self._read_config_data(path)
        listed = []
        for entry in self.get_option('keel_hosts'):
            if not entry.get('name'):
                raise AnsibleParserError('%s: every keel_hosts entry needs a name' % path)
            try:
                listed.extend(self.list_host(entry))
            except KeelError as e:
                if self.get_option('fail_on_errors'):
                    raise AnsibleParserError('Keel host %s: %s' % (entry['name'], e))
                self.display.warning('Keel host %s skipped: %s' % (entry['name'], e))
        seen = Counter(name for name, _ in listed)
        strict = self.get_option('strict')
        for domain, hv in listed:
            name = domain if seen[domain] == 1 else '%s.%s' % (domain, hv['keel_host'])
            self.inventory.add_host(name)
            for k, v in hv.items():
                self.inventory.set_variable(name, k, v)
            for g in (group_name('keel_state_', hv['keel_state']), group_name('keel_host_', hv['keel_host'])):
                self.inventory.add_group(g)
                self.inventory.add_child(g, name)
            self._set_composite_vars(self.get_option('compose'), hv, name, strict=strict)
            self._add_host_to_composed_groups(self.get_option('groups'), hv, name, strict=strict)
            self._add_host_to_keyed_groups(self.get_option('keyed_groups'), hv, name, strict=strict)
