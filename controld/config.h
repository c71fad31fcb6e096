/* SPDX-License-Identifier: MIT */
/*
 * controld's settings: built-in defaults, then a `key = value` config file, then flags.
 * See deploy/keel-controld.conf for every key.
 */
#ifndef KEEL_CONTROLD_CONFIG_H
#define KEEL_CONTROLD_CONFIG_H

#include <limits.h>
#include <stddef.h>

struct controld_config {
	char unix_socket[108]; /* "" disables the Unix listener */
	char tcp_host[64];     /* "" disables TCP */
	unsigned tcp_port;
	char tls_cert[PATH_MAX]; /* both set: TCP speaks TLS */
	char tls_key[PATH_MAX];
	int tls_generate;	     /* neither file exists: make a self-signed pair there */
	unsigned shutdown_timeout_s; /* graceful shutdown before destroy */
	unsigned drain_timeout_s;    /* SIGTERM: wait this long for requests */
	char pci_sysfs[PATH_MAX];    /* root of the PCI devices in sysfs */
	int request_log;	     /* one line per request */
	int log_level;		     /* enum log_level */
	unsigned max_connections;    /* TCP */
	unsigned max_connections_per_client; /* TCP, per client address */
	unsigned request_timeout_s;	     /* to receive a whole request */
	char ui_dir[PATH_MAX];		     /* the web dashboard's built assets; "" serves none */
	char images_dir[PATH_MAX];	     /* uploaded images (the API's /var/lib/keel/images) */
	unsigned image_max_mib;		     /* the largest image an upload may be */
	/* HVM guests (boot.type hvm): Xen's firmware loader and SeaBIOS as its "firmware"
	 * module, and the device model (qemu-dm-glue/): its binary, the user it runs as
	 * ("" root, else "UID:GID"), how long it may take to say "running". */
	char hvmloader[PATH_MAX];
	char seabios[PATH_MAX];
	char qemu[PATH_MAX];
	char qemu_user[32];
	/* "UID:GID": domid D's QEMU runs as UID + D, group GID (before qemu_user) */
	char qemu_user_base[32];
	char qemu_run_dir[80]; /* its COM1 sockets (<domid>-serial.sock) */
	unsigned qemu_start_timeout_s;
};

void config_defaults(struct controld_config *c);
/* Applies one `key = value` setting. 0, or -EINVAL with a reason in err. */
int config_set(struct controld_config *c, const char *key, const char *value, char *err,
	       size_t errlen);
/* Applies a whole config file held in memory; line numbers go into err. */
int config_parse(struct controld_config *c, const char *text, size_t len, char *err, size_t errlen);
int config_load_file(struct controld_config *c, const char *path, char *err, size_t errlen);

#endif
