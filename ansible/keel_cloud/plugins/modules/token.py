#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: MIT

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: token
short_description: Make and revoke API tokens of a Keel host
description:
  - Keeps a bearer token of the given name and scope (C(POST /v1/tokens),
    C(DELETE /v1/tokens/{token})). Tokens are known by name here; the API shows a token's
    secret only when it is made, so the secret is returned only by the run that makes it.
  - A token of that name with another scope is revoked and made again (a new secret).
  - Needs a token of scope admin.
version_added: 1.0.0
author: Keel project
extends_documentation_fragment: keel.cloud.connection
attributes:
  check_mode:
    support: full
options:
  name:
    description: The token's name.
    type: str
    required: true
  scope:
    description: C(read) < C(operate) < C(admin). Required with I(state=present).
    type: str
    choices: [read, operate, admin]
  state:
    description: C(present) makes the token when there is none of that name and scope; C(absent) revokes every token of that name.
    type: str
    choices: [present, absent]
    default: present
'''

EXAMPLES = r'''
- name: A read-only token for monitoring
  keel.cloud.token:
    name: monitoring
    scope: read
  register: mon

- name: Keep its secret (only set when it was just made)
  ansible.builtin.copy:
    content: "{{ mon.secret }}"
    dest: /etc/monitoring/keel.token
    mode: "0600"
  when: mon.secret is defined
'''

RETURN = r'''
token:
  description: The token's id, name, scope and creation time (openapi.yaml C(Token)).
  returned: when state is present
  type: dict
secret:
  description: The bearer token itself, C(keel_<id>_<secret>).
  returned: when the token was made by this run
  type: str
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.keel.cloud.plugins.module_utils.keel_api import (
    KeelError, argument_spec, client_or_fail, path_of)


def main():
    module = AnsibleModule(
        argument_spec=argument_spec(
            name=dict(type='str', required=True),
            scope=dict(type='str', choices=['read', 'operate', 'admin']),
            state=dict(type='str', default='present', choices=['present', 'absent']),
        ),
        required_if=[('state', 'present', ('scope',))],
        supports_check_mode=True,
    )
    client = client_or_fail(module)
    p = module.params
    try:
        named = [t for t in client.get('/v1/tokens')['items'] if t['name'] == p['name']]
        keep = [t for t in named if p['state'] == 'present' and t['scope'] == p['scope']][:1]
        revoke = [t for t in named if t not in keep]
        out = dict(changed=bool(revoke) or (p['state'] == 'present' and not keep))
        if not module.check_mode:
            for t in revoke:
                client.call('DELETE', path_of('tokens', t['id']), ok_missing=True)
        if p['state'] == 'present':
            if keep:
                out['token'] = keep[0]
            elif not module.check_mode:
                made = client.call('POST', '/v1/tokens', body=dict(name=p['name'], scope=p['scope']))[1]
                out['secret'] = made.pop('token')
                out['token'] = made
    except KeelError as e:
        module.fail_json(**e.result())
    module.exit_json(**out)


if __name__ == '__main__':
    main()
