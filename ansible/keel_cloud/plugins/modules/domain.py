#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: MIT

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: domain
short_description: Define, start, stop and remove Keel domains
description:
  - Makes a domain on a Keel host match the task, through Keel's REST API only
    (C(POST /v1/domains), C(PATCH /v1/domains/{domain}), its disks, NICs and PCI devices,
    and its actions). Options carry the API's own field names (openapi.yaml C(DomainCreate)).
  - Idempotent; options left out are not managed. Run-state changes are the API's jobs,
    and the module waits for each to finish.
  - Spec changes are sent with C(If-Match) of the domain as the task read it, so a change
    another client made meanwhile fails the task rather than being overwritten.
  - C(vcpus), C(memory_target_mib), C(sched) and C(pinning) change on an existing domain
    (at once when it runs); disks, NICs and PCI devices are added and removed to match the
    lists given. C(max_vcpus), C(memory_mib) and C(boot) are fixed once the domain exists;
    a different value fails the task (remove the domain first).
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
    description: The domain's name (unique on its host; not UUID-like).
    type: str
    required: true
  state:
    description:
      - C(present) defines the domain and leaves its run state alone; C(started) also runs it
        (starting or unpausing); C(stopped) also stops it (see I(stop_method)); C(absent)
        stops it if needed and removes it.
    type: str
    choices: [present, started, stopped, absent]
    default: present
  vcpus:
    description: vCPUs online (at start, and at once on a running domain).
    type: int
  max_vcpus:
    description: vCPUs the domain is built with (default I(vcpus)); fixed once created.
    type: int
  memory_mib:
    description: Memory in MiB; fixed once created.
    type: int
  memory_target_mib:
    description: Balloon target in MiB (at most I(memory_mib)).
    type: int
  sched:
    description: Scheduler settings.
    type: dict
    suboptions:
      weight:
        description: Relative CPU share (1-65535; the API's default 256).
        type: int
      cap:
        description: Most CPU the domain may use, in percent of one CPU; 0 is no cap.
        type: int
  pinning:
    description: One entry per vCPU, each the host CPUs it may run on (empty for any).
    type: list
    elements: list
  boot:
    description: How the domain boots; fixed once created.
    type: dict
    suboptions:
      type:
        description: C(pvh) (a kernel) or C(hvm) (firmware).
        type: str
        choices: [pvh, hvm]
        required: true
      kernel:
        description: PVH kernel, an absolute path in dom0 or an uploaded image's name.
        type: str
      cmdline:
        description: The kernel's command line.
        type: str
      initrd:
        description: Initrd, an absolute path in dom0 or an uploaded image's name.
        type: str
      firmware:
        description: HVM firmware.
        type: str
        choices: [seabios, ovmf]
      disk_controller:
        description: HVM guests' emulated disk controller (libxl's hdtype); C(ahci) is driven
          by DMA, C(ide) by port I/O. The API's default is C(ide).
        type: str
        choices: [ide, ahci]
  disks:
    description: The domain's disks, exactly (matched by I(id)); hot-plugged when it runs.
    type: list
    elements: dict
    suboptions:
      id:
        description: Guest device name, C(xvda) to C(xvdz).
        type: str
        required: true
      path:
        description: A file in dom0 or an uploaded image's name.
        type: str
        required: true
      format:
        description: Image format.
        type: str
        choices: [raw, qcow2]
        default: raw
      readonly:
        description: Read-only disk.
        type: bool
        default: false
  nics:
    description: The domain's network interfaces, exactly (matched by I(id)).
    type: list
    elements: dict
    suboptions:
      id:
        description: Interface number, C(0) to C(7).
        type: str
        required: true
      mac:
        description: Unicast MAC; generated (00:16:3e:...) and then left alone when omitted.
        type: str
      bridge:
        description: dom0 bridge.
        type: str
        default: xenbr0
  pci:
    description: PCI devices (C(dddd:bb:ss.f)) passed through, exactly.
    type: list
    elements: str
  stop_method:
    description: How I(state=stopped) and I(state=absent) stop a running domain.
    type: str
    choices: [shutdown, destroy]
    default: shutdown
  shutdown_timeout:
    description: Seconds a graceful shutdown may take before Keel destroys the domain.
    type: int
    default: 30
'''

EXAMPLES = r'''
- name: A web server on keel1, running
  keel.cloud.domain:
    url: https://keel1:18443
    token: "{{ keel_token }}"
    ca_cert: /etc/keel/ca.crt
    name: web1
    state: started
    vcpus: 2
    memory_mib: 512
    boot:
      type: pvh
      kernel: vmlinuz-6.1
      cmdline: console=hvc0 root=/dev/xvda
    disks:
      - id: xvda
        path: web1-root.img
    nics:
      - id: "0"

- name: Give it a larger CPU share
  keel.cloud.domain:
    name: web1
    sched:
      weight: 512

- name: Remove it
  keel.cloud.domain:
    name: web1
    state: absent
    stop_method: destroy
'''

RETURN = r'''
domain:
  description: The domain as the API reports it afterwards (openapi.yaml C(Domain)); absent when removed.
  returned: when the domain exists after the task
  type: dict
actions:
  description: The calls made (or, in check mode, that would be made), for example C(create), C(patch), C(start).
  returned: always
  type: list
  elements: str
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.keel.cloud.plugins.module_utils.keel_api import (
    KeelError, argument_spec, client_or_fail, path_of)
from ansible_collections.keel.cloud.plugins.module_utils.keel_domain import (
    missing_for_create, plan, plan_changes, predicted, run_state_actions, spec_from_params, view)

# Margin over the shutdown timeout for the job that destroys a domain which ignored it.
SHUTDOWN_SLACK_S = 15


class DomainTask(object):
    def __init__(self, module, client):
        self.m, self.c = module, client
        self.p = module.params
        self.actions = []
        self.path = path_of('domains', self.p['name'])
        self.generation = None  # of the domain as last read or changed by this task

    def current(self):
        """The domain, after any job already working on it has finished; None if absent."""
        d = self.c.get(self.path, ok_missing=True)
        if d and d.get('job_id'):
            self.c.wait_job(self.c.get(path_of('jobs', d['job_id'])), self.job_timeout())
            d = self.c.get(self.path, ok_missing=True)
        return d

    def job_timeout(self):
        return max(self.p['timeout'], self.p['shutdown_timeout'] + SHUTDOWN_SLACK_S)

    def do(self, label, method, path, body=None, guarded=False):
        """One call (none in check mode). guarded: a change of the domain's spec, made only if
        the domain is still the generation this task read (If-Match), so a concurrent change
        by another client is not overwritten."""
        self.actions.append(label)
        if self.m.check_mode:
            return None
        headers = {'If-Match': '"%d"' % self.generation} if guarded else None
        try:
            out = self.c.call(method, path, body=body, headers=headers)[1]
        except KeelError as e:
            if guarded and e.status == 412:
                raise KeelError('domain %s changed while this task ran (another client?); run it again'
                                % self.p['name'], e.status, e.problem)
            raise
        if guarded:
            self.generation = out['generation']
        return out

    def act(self, action):
        body = {'timeout_s': self.p['shutdown_timeout']} if action == 'shutdown' else None
        job = self.do(action, 'POST', self.path + '/actions/' + action, body)
        if job:
            self.c.wait_job(job, self.job_timeout())

    def converge(self, cur, spec):
        if cur is None:
            missing = missing_for_create(spec)
            if missing:
                self.m.fail_json(msg='domain %s does not exist; creating it needs %s'
                                 % (self.p['name'], ', '.join(missing)))
            self.do('create', 'POST', path_of('domains'), spec)
            return
        self.generation = cur['generation']
        p = plan(cur, spec)
        if p['fixed']:
            self.m.fail_json(msg='domain %s: %s cannot change on an existing domain (the API has no '
                             'such update); remove the domain and create it again'
                             % (self.p['name'], ', '.join(p['fixed'])), domain=cur)
        if not plan_changes(p):
            return
        for kind, key in (('disks', 'id'), ('nics', 'id')):
            for dev in p['remove_' + kind]:
                self.do('remove %s %s' % (kind[:-1], dev[key]), 'DELETE', self.path + '/' + kind + '/' + dev[key],
                        guarded=True)
        for bdf in p['remove_pci']:
            self.do('remove pci %s' % bdf, 'DELETE', self.path + '/pci/' + bdf, guarded=True)
        if p['patch']:
            self.do('patch ' + ','.join(sorted(p['patch'])), 'PATCH', self.path, p['patch'], guarded=True)
        for kind, key in (('disks', 'id'), ('nics', 'id')):
            for dev in p['add_' + kind]:
                self.do('add %s %s' % (kind[:-1], dev[key]), 'POST', self.path + '/' + kind, dev, guarded=True)
        for bdf in p['add_pci']:
            self.do('add pci %s' % bdf, 'POST', self.path + '/pci', {'bdf': bdf}, guarded=True)

    def run(self):
        state = self.p['state']
        spec = spec_from_params(self.p)
        cur = self.current()
        before = view(cur)
        if state == 'absent':
            if cur is not None:
                for a in run_state_actions('stopped', cur['state'], self.p['stop_method']):
                    self.act(a)
                self.do('delete', 'DELETE', self.path)
            return dict(changed=bool(self.actions), actions=self.actions,
                        diff=dict(before=before, after={}))
        self.converge(cur, spec)
        have = cur['state'] if cur else 'stopped'
        for a in run_state_actions(state, have, self.p['stop_method']):
            self.act(a)
        if self.m.check_mode:
            after, final = predicted(cur, spec, state), cur
        else:
            final = self.c.get(self.path) if self.actions else cur
            after = view(final)
        out = dict(changed=bool(self.actions), actions=self.actions, diff=dict(before=before, after=after))
        if final:
            out['domain'] = final
        return out


def main():
    module = AnsibleModule(
        argument_spec=argument_spec(
            name=dict(type='str', required=True),
            state=dict(type='str', default='present', choices=['present', 'started', 'stopped', 'absent']),
            vcpus=dict(type='int'),
            max_vcpus=dict(type='int'),
            memory_mib=dict(type='int'),
            memory_target_mib=dict(type='int'),
            sched=dict(type='dict', options=dict(weight=dict(type='int'), cap=dict(type='int'))),
            pinning=dict(type='list', elements='list'),
            boot=dict(type='dict', options=dict(
                type=dict(type='str', required=True, choices=['pvh', 'hvm']),
                kernel=dict(type='str'),
                cmdline=dict(type='str'),
                initrd=dict(type='str'),
                firmware=dict(type='str', choices=['seabios', 'ovmf']),
                disk_controller=dict(type='str', choices=['ide', 'ahci']))),
            disks=dict(type='list', elements='dict', options=dict(
                id=dict(type='str', required=True),
                path=dict(type='str', required=True),
                format=dict(type='str', default='raw', choices=['raw', 'qcow2']),
                readonly=dict(type='bool', default=False))),
            nics=dict(type='list', elements='dict', options=dict(
                id=dict(type='str', required=True),
                mac=dict(type='str'),
                bridge=dict(type='str', default='xenbr0'))),
            pci=dict(type='list', elements='str'),
            stop_method=dict(type='str', default='shutdown', choices=['shutdown', 'destroy']),
            shutdown_timeout=dict(type='int', default=30),
        ),
        supports_check_mode=True,
    )
    client = client_or_fail(module)
    try:
        result = DomainTask(module, client).run()
    except KeelError as e:
        module.fail_json(**e.result())
    module.exit_json(**result)


if __name__ == '__main__':
    main()
