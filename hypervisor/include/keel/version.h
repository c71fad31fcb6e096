/* SPDX-License-Identifier: MIT */
#ifndef KEEL_VERSION_H
#define KEEL_VERSION_H

#define KEEL_VERSION "0.1.0"

#endif
