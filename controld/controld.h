/* SPDX-License-Identifier: MIT */
/*
 * The daemon's state: one instance, used only on the libuv loop thread. Domains, jobs and
 * tokens are mirrored in memory for fast reads; every change is written through to
 * keel-xenstored first, which is where the state lives (a restart reloads it from there).
 */
#ifndef KEEL_CONTROLD_CONTROLD_H
#define KEEL_CONTROLD_CONTROLD_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "collection.h"
#include "config.h"
#include "hv.h"
#include "spec.h"
#include "store.h"

#define CONTROLD_ROOT	   "/keel/controld"
#define CONSOLE_RING_BYTES 16384

enum dom_state { DOM_STOPPED, DOM_RUNNING, DOM_PAUSED, DOM_SHUTTING_DOWN, DOM_CRASHED };
const char *dom_state_name(enum dom_state s);
int dom_state_parse(const char *s, enum dom_state *out);

struct model_render;

struct domain {
	char id[37];
	int domid; /* -1 while stopped */
	enum dom_state state;
	uint64_t generation; /* the ETag: bumped on every change */
	/* The validated, normalised configuration (see api/domain_json.c). */
	struct dom_spec spec;
	char created_at[32], updated_at[32];
	char job_id[37]; /* the job working on it, "" if none */
	/* Why the last start failed, when the build did: "kernel", "initrd", "domain" (not
	 * kept in the store: the API's answer to that start names it). */
	const char *start_failed;
	unsigned start_failed_index; /* which disk or NIC, for "disk" and "nic" */
	/* Why it is ending, when controld knows more than the hypervisor (its device model
	 * died): the state event says so. Not kept. */
	char end_reason[160];
	/* Its hypervisor domain waits for its QEMU to go (device_model_stop), and whether it
	 * is started again then (a reboot). Not kept: a restarted controld finds neither. */
	bool hv_destroy_pending, restart_pending;
	/* Unique to this domain and its current contents: bumped (from the registry's version,
	 * so never reused) on every change. api/ keys its cache of rendered domains on it. */
	uint64_t revision;
	char console[CONSOLE_RING_BYTES];
	size_t console_len, console_head; /* ring: head = oldest byte */
};

struct domains {
	struct collection items; /* struct domain *, sorted by name */
	/* Bumped on any change to any domain: the ETag of list responses. */
	uint64_t version;
};

enum job_state { JOB_RUNNING, JOB_SUCCEEDED, JOB_FAILED };

/* Why a job failed, as an RFC 9457 problem (type is a URN, status an HTTP status). */
struct job_problem {
	char type[48];
	char title[64];
	int status;
	char detail[128]; /* "" when there is nothing to add */
};

struct controld;
struct job {
	char id[37];
	char kind[32]; /* e.g. "domain.shutdown" */
	char domain_id[37];
	enum job_state state;
	unsigned progress; /* percent */
	char message[160];
	bool has_error;
	struct job_problem error; /* when failed */
	char created_at[32], updated_at[32];
	uint64_t created_mono;
	uint64_t started_wall_ms;
	uint64_t deadline_wall_ms; /* shutdown: when to destroy */
	int reboot;
	uv_timer_t timer;
	bool timer_live;
	struct controld *cd;
};

struct jobs {
	struct collection items; /* struct job *, in creation order */
};

enum scope { SCOPE_NONE = 0, SCOPE_READ = 1, SCOPE_OPERATE = 2, SCOPE_ADMIN = 3 };
const char *scope_name(enum scope s);

struct token {
	char id[17];
	char name[64];
	enum scope scope;
	char hash[65]; /* hex SHA-256 of the secret */
	char created_at[32];
};

struct tokens {
	struct collection items; /* struct token * */
};

struct idem_entry {
	char key_hash[65];
	char fingerprint[65];
	int status;
	char *body;
	size_t body_len;
	char location[128];
	char etag[32];
	uint64_t expires_wall;
};

struct idem {
	struct collection items; /* struct idem_entry *, oldest first */
};

struct consoles;
struct events;
struct hotplug;
struct http_server;
struct dev_watch;
struct dm;

struct controld {
	uv_loop_t *loop;
	struct controld_config cfg;
	struct store *store;
	struct hv *hv;
	struct http_server *http;
	struct domains doms;
	struct jobs jobs;
	struct tokens tokens;
	struct idem idem;
	struct events *events;
	struct consoles *consoles;     /* guests' consoles served in dom0; NULL: none */
	struct hotplug *hotplug;       /* guests' disks and NICs in dom0 (devices.c); NULL: none */
	struct dev_watch *dev_watches; /* backends watched: NICs to bridge, devices unplugged */
	struct dm *dms;		       /* HVM guests' device models (device_model.c) */
	/* The API's representations for event data, supplied by api/ (NULL: events carry none). */
	const struct model_render *render;
	uint64_t started_mono;
	bool draining;
};

#endif
