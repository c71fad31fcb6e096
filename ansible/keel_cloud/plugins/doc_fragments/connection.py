# -*- coding: utf-8 -*-
# SPDX-License-Identifier: MIT
"""The options every keel.cloud module takes to reach a Keel host's REST API."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    DOCUMENTATION = r'''
options:
  url:
    description:
      - Base URL of the Keel host's REST API (keel-controld), for example C(https://keel1:18443).
      - Defaults to the environment variable C(KEEL_URL), as for the C(keel) CLI.
    type: str
  token:
    description:
      - Bearer token (C(keel token create)); the operation's scope (read, operate, admin) applies.
      - Defaults to the environment variable C(KEEL_TOKEN).
    type: str
  ca_cert:
    description:
      - CA certificate (PEM) that signed the host's TLS certificate.
      - Defaults to the environment variable C(KEEL_CA_CERT); without it the system's CAs are used.
    type: path
  timeout:
    description:
      - Seconds to wait for one HTTP request, and for each job the module waits for.
    type: int
    default: 60
notes:
  - The module talks only to Keel's REST API (openapi.yaml), so it usually runs with
    C(connection=local) or C(delegate_to=localhost), one task per Keel host.
  - A failure carries the API's RFC 9457 problem details in C(problem) and its HTTP C(status).
'''
