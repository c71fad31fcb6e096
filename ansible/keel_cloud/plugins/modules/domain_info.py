#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: MIT

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: domain_info
short_description: List the domains of a Keel host, or get one
description:
  - Reads domains through Keel's REST API (C(GET /v1/domains), C(GET /v1/domains/{domain}));
    every page of the list is fetched. Needs a token of scope read.
version_added: 1.0.0
author: Keel project
extends_documentation_fragment: keel.cloud.connection
attributes:
  check_mode:
    support: full
options:
  name:
    description: One domain, by name or id; without it, all domains (filtered).
    type: str
  state:
    description: Keep only domains in these states.
    type: list
    elements: str
    choices: [stopped, running, paused, shutting_down, crashed]
  name_prefix:
    description: Keep only domains whose name starts with this.
    type: str
'''

EXAMPLES = r'''
- name: The running domains of keel1
  keel.cloud.domain_info:
    url: https://keel1:18443
    state: [running]
  register: running

- name: One domain
  keel.cloud.domain_info:
    name: web1
  register: web1
'''

RETURN = r'''
domains:
  description: The domains (openapi.yaml C(Domain)), sorted by name; empty when I(name) does not exist.
  returned: always
  type: list
  elements: dict
'''

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.six.moves.urllib.parse import quote
from ansible_collections.keel.cloud.plugins.module_utils.keel_api import (
    KeelError, argument_spec, client_or_fail, path_of)


def main():
    module = AnsibleModule(
        argument_spec=argument_spec(
            name=dict(type='str'),
            state=dict(type='list', elements='str',
                       choices=['stopped', 'running', 'paused', 'shutting_down', 'crashed']),
            name_prefix=dict(type='str'),
        ),
        mutually_exclusive=[('name', 'state'), ('name', 'name_prefix')],
        supports_check_mode=True,
    )
    client = client_or_fail(module)
    p = module.params
    try:
        if p['name']:
            d = client.get(path_of('domains', p['name']), ok_missing=True)
            domains = [d] if d else []
        else:
            query = []
            if p['state']:
                query.append('state=' + ','.join(p['state']))
            if p['name_prefix']:
                query.append('name_prefix=' + quote(p['name_prefix'], safe=''))
            domains = client.list_all('/v1/domains', '&'.join(query))
    except KeelError as e:
        module.fail_json(**e.result())
    module.exit_json(changed=False, domains=domains)


if __name__ == '__main__':
    main()
