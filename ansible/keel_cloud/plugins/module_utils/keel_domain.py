# -*- coding: utf-8 -*-
# SPDX-License-Identifier: MIT
"""What the domain module wants against what a Keel host has: the API calls that converge them.

Pure functions over the API's JSON (openapi.yaml: DomainCreate, DomainPatch, Domain), so the
unit tests check every decision without a host.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

# The options that are fields of DomainCreate, in the API's own names.
SPEC_FIELDS = ('name', 'vcpus', 'max_vcpus', 'memory_mib', 'memory_target_mib', 'sched',
               'pinning', 'boot', 'disks', 'nics', 'pci')
# Fields DomainPatch changes on an existing domain; the others are fixed once it is created.
PATCHABLE = ('vcpus', 'memory_target_mib', 'sched', 'pinning')
FIXED = ('max_vcpus', 'memory_mib', 'boot')
CREATE_REQUIRED = ('name', 'vcpus', 'memory_mib', 'boot')
# Defaults the API fills in (openapi.yaml Disk and Nic), so a spec that omits them matches.
DISK_DEFAULTS = {'format': 'raw', 'readonly': False}
NIC_DEFAULTS = {'bridge': 'xenbr0'}
# Members of Domain that describe it rather than its spec, left out of --diff.
VOLATILE = ('id', 'generation', 'created_at', 'updated_at', 'job_id', 'domid')


def _without_none(d):
    return dict((k, v) for k, v in d.items() if v is not None)


def spec_from_params(params):
    """The DomainCreate fields the task sets (None = not managed), nested Nones dropped."""
    spec = {}
    for f in SPEC_FIELDS:
        v = params.get(f)
        if v is None:
            continue
        if f in ('sched', 'boot'):
            v = _without_none(v)
        elif f == 'disks':
            v = [dict(DISK_DEFAULTS, **_without_none(d)) for d in v]
        elif f == 'nics':
            v = [dict(NIC_DEFAULTS, **_without_none(n)) for n in v]
        spec[f] = v
    return spec


def missing_for_create(spec):
    """The fields a new domain needs that the spec lacks."""
    return [f for f in CREATE_REQUIRED if f not in spec]


def _boot_differs(want, have):
    # The API reports an absent cmdline or initrd as "" (openapi.yaml Boot).
    for k, v in want.items():
        if have.get(k, '' if k in ('cmdline', 'initrd') else None) != v:
            return True
    return False


def _device_plan(want, have, key, same):
    """(add, remove) lists making `have` hold exactly `want`'s devices (matched by key)."""
    have_by = dict((d[key], d) for d in have)
    want_by = dict((d[key], d) for d in want)
    add, remove = [], []
    for k, d in want_by.items():
        cur = have_by.get(k)
        if cur is None:
            add.append(d)
        elif not same(d, cur):
            remove.append(cur)
            add.append(d)
    for k, cur in have_by.items():
        if k not in want_by:
            remove.append(cur)
    return add, remove


def _subset_equal(want, have):
    return all(have.get(k) == v for k, v in want.items())


def plan(current, spec):
    """What converging `current` (a Domain) to `spec` takes.

    Returns a dict: patch (DomainPatch body, may be empty), fixed (fields that differ but
    cannot change on an existing domain), and add/remove lists of disks, nics and pci.
    """
    out = {'patch': {}, 'fixed': []}
    for f in PATCHABLE:
        if f not in spec:
            continue
        if f == 'sched':
            if not _subset_equal(spec[f], current.get('sched') or {}):
                out['patch']['sched'] = spec[f]
        elif current.get(f) != spec[f]:
            out['patch'][f] = spec[f]
    for f in FIXED:
        if f not in spec:
            continue
        differs = _boot_differs(spec[f], current.get(f) or {}) if f == 'boot' else current.get(f) != spec[f]
        if differs:
            out['fixed'].append(f)
    for f, key in (('disks', 'id'), ('nics', 'id')):
        if f in spec:
            add, remove = _device_plan(spec[f], current.get(f) or [], key, _subset_equal)
        else:
            add, remove = [], []
        out['add_' + f], out['remove_' + f] = add, remove
    if 'pci' in spec:
        have, want = current.get('pci') or [], spec['pci']
        out['add_pci'] = [b for b in want if b not in have]
        out['remove_pci'] = [b for b in have if b not in want]
    else:
        out['add_pci'], out['remove_pci'] = [], []
    return out


def plan_changes(p):
    """True when the plan makes any call."""
    return bool(p['patch'] or any(p[k] for k in p if k.startswith(('add_', 'remove_'))))


def view(domain):
    """A domain as --diff shows it: its spec and state, without ids and timestamps."""
    if not domain:
        return {}
    return dict((k, v) for k, v in domain.items() if k not in VOLATILE)


def predicted(current, spec, state):
    """The domain as it will be after the run (for --check --diff, when no call is made)."""
    after = view(current) if current else {}
    after = copy.deepcopy(after)
    for f, v in spec.items():
        if f == 'sched':
            after['sched'] = dict(after.get('sched') or {}, **v)
        elif f == 'boot' and current:
            continue  # fixed: a difference fails the task before this is used
        else:
            after[f] = copy.deepcopy(v)
    if current is None:
        after.setdefault('max_vcpus', after.get('vcpus'))
        after.setdefault('memory_target_mib', after.get('memory_mib'))
    if state == 'started':
        after['state'] = 'running'
    elif state == 'stopped' or current is None:
        after['state'] = 'stopped'
    return after


def run_state_actions(state, have, stop_method):
    """The actions (openapi.yaml domainAction) that take a domain in state `have` to `state`.

    state: started or stopped (present leaves the run state alone). stop_method: shutdown
    (graceful, destroyed after its timeout) or destroy.
    """
    if state == 'started':
        return {'running': [], 'paused': ['unpause']}.get(have, ['start'])
    if state == 'stopped':
        if have == 'stopped':
            return []
        if have == 'crashed' or stop_method == 'destroy':
            return ['destroy']
        if have == 'paused':
            return ['unpause', 'shutdown']
        return ['shutdown']
    return []
