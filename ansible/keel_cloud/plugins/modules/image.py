#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: MIT

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: image
short_description: Upload kernels, initrds and disk images to a Keel host
description:
  - Keeps an image in the host's images directory (C(PUT /v1/images/{name})), where domains
    name it as C(NAME) or C(/var/lib/keel/images/NAME).
  - Idempotent on the SHA-256 the API reports; an image of the same name with other content
    is deleted and uploaded again (the API refuses while a domain's spec uses it).
  - Needs a token of scope admin.
version_added: 1.0.0
author: Keel project
extends_documentation_fragment: keel.cloud.connection
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
options:
  name:
    description: The image's name (letters, digits, C(.) C(_) C(-), starting with a letter or digit).
    type: str
    required: true
  src:
    description: The file to upload, on the machine the module runs on. Required with I(state=present).
    type: path
  sha256:
    description: The SHA-256 I(src) must have; a different file fails the task before any upload.
    type: str
  state:
    description: C(present) uploads when missing or different; C(absent) deletes.
    type: str
    choices: [present, absent]
    default: present
'''

EXAMPLES = r'''
- name: The guest kernel on every Keel host
  keel.cloud.image:
    name: vmlinuz-6.1
    src: files/vmlinuz-6.1
    sha256: "{{ kernel_sha256 }}"
'''

RETURN = r'''
image:
  description: The image as the API reports it (openapi.yaml C(Image)).
  returned: when the image exists after the task
  type: dict
'''

import hashlib
import os

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.keel.cloud.plugins.module_utils.keel_api import (
    KeelError, argument_spec, client_or_fail, path_of)


def file_sha256(path):
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(1 << 20), b''):
            h.update(block)
    return h.hexdigest()


def upload(client, path, src):
    size = os.path.getsize(src)
    with open(src, 'rb') as f:
        # Streamed: urllib sends a file object with a Content-Length block by block.
        return client.call('PUT', path, data=f, headers={'Content-Type': 'application/octet-stream',
                                                         'Content-Length': str(size)})[1]


def main():
    module = AnsibleModule(
        argument_spec=argument_spec(
            name=dict(type='str', required=True),
            src=dict(type='path'),
            sha256=dict(type='str'),
            state=dict(type='str', default='present', choices=['present', 'absent']),
        ),
        required_if=[('state', 'present', ('src',))],
        supports_check_mode=True,
    )
    client = client_or_fail(module)
    p = module.params
    path = path_of('images', p['name'])
    try:
        cur = client.get(path, ok_missing=True)
        before = dict(sha256=cur['sha256'], size=cur['size']) if cur else {}
        if p['state'] == 'absent':
            if cur and not module.check_mode:
                client.call('DELETE', path)
            module.exit_json(changed=bool(cur), diff=dict(before=before, after={}))
        if not os.path.isfile(p['src']):
            module.fail_json(msg='src %s is not a readable file' % p['src'])
        digest = file_sha256(p['src'])
        if p['sha256'] and p['sha256'].lower() != digest:
            module.fail_json(msg='src %s has SHA-256 %s, not %s' % (p['src'], digest, p['sha256']))
        after = dict(sha256=digest, size=os.path.getsize(p['src']))
        if cur and cur['sha256'] == digest:
            module.exit_json(changed=False, image=cur, diff=dict(before=before, after=after))
        if module.check_mode:
            module.exit_json(changed=True, diff=dict(before=before, after=after))
        if cur:
            client.call('DELETE', path)
        image = upload(client, path, p['src'])
        if image['sha256'] != digest:
            module.fail_json(msg='uploaded %s but the host computed SHA-256 %s, not %s'
                             % (p['name'], image['sha256'], digest), image=image)
    except KeelError as e:
        module.fail_json(**e.result())
    module.exit_json(changed=True, image=image, diff=dict(before=before, after=after))


if __name__ == '__main__':
    main()
