// SPDX-License-Identifier: MIT
/*
 * Copying an image into a new disk: a job whose bytes move on libuv's thread pool, so the
 * loop keeps serving. The worker touches only its own struct (two fds, atomics); the loop
 * polls its progress into the job and finishes the job when the work is done.
 */
#include "image_disk.h"
#include "log.h"
#include "model_internal.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#define COPY_CHUNK    (8u << 20) /* between progress updates and stop checks */
#define COPY_POLL_MS  100
#define JOB_KIND_COPY "image.copy"

struct disk_copy {
	uv_work_t work;
	uv_timer_t poll;
	struct controld *cd;
	char job_id[37];
	char from[IMAGE_NAME_MAX + 1], name[IMAGE_NAME_MAX + 1];
	char tmp[PATH_MAX], path[PATH_MAX];
	int in, out;
	uint64_t size;
	const char *how; /* set by the worker: which way the bytes moved */
	int rc;		 /* the worker's outcome */
	_Atomic uint64_t done;
	atomic_bool stop;
};

/* Copies len bytes at off by copy_file_range, or read/write where the filesystem cannot. */
static int copy_range(struct disk_copy *c, off_t off, uint64_t len)
{
	off_t in_off = off, out_off = off;
	char *buf = NULL;
	int rc = 0;

	while (len && !rc) {
		size_t want = len < COPY_CHUNK ? (size_t)len : COPY_CHUNK;
		ssize_t n = -1;
		if (!buf) {
			n = copy_file_range(c->in, &in_off, c->out, &out_off, want, 0);
			if (n < 0 && (errno == EXDEV || errno == EINVAL || errno == EOPNOTSUPP ||
				      errno == ENOSYS)) {
				buf = malloc(COPY_CHUNK);
				if (!buf)
					return -ENOMEM;
				c->how = "read/write";
				continue;
			}
		} else {
			n = pread(c->in, buf, want, in_off);
			if (n > 0)
				n = pwrite(c->out, buf, (size_t)n, out_off);
			if (n > 0) {
				in_off += n;
				out_off += n;
			}
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			rc = -errno;
		else if (n == 0)
			break; /* the source shrank meanwhile: the copy ends where it does */
		else
			len -= (uint64_t)n;
		atomic_store(&c->done, (uint64_t)in_off);
		if (atomic_load(&c->stop))
			rc = -ECANCELED;
	}
	free(buf);
	return rc;
}

/* The source's data extents only: its holes stay holes in the copy. */
static int copy_extents(struct disk_copy *c)
{
	off_t pos = 0, data, hole;
	int rc = 0;

	c->how = "copy_file_range";
	while (!rc && (uint64_t)pos < c->size) {
		data = lseek(c->in, pos, SEEK_DATA);
		if (data < 0)
			return errno == ENXIO ? 0 : -errno; /* ENXIO: only a hole follows */
		hole = lseek(c->in, data, SEEK_HOLE);
		if (hole < 0)
			return -errno;
		if ((uint64_t)hole > c->size)
			hole = (off_t)c->size;
		rc = copy_range(c, data, (uint64_t)(hole - data));
		pos = hole;
	}
	return rc;
}

static void copy_work(uv_work_t *w)
{
	struct disk_copy *c = w->data;
	int rc = 0;

	/* A reflink shares the extents (btrfs, XFS): instant, and no space taken yet. */
	if (!ioctl(c->out, FICLONE, c->in))
		c->how = "reflink";
	else
		rc = copy_extents(c);
	if (!rc && ftruncate(c->out, (off_t)c->size))
		rc = -errno;
	if (!rc && fsync(c->out))
		rc = -errno;
	c->rc = rc;
}

static void poll_closed(uv_handle_t *h)
{
	free(h->data);
}

static void copy_poll(uv_timer_t *t)
{
	struct disk_copy *c = t->data;
	struct job *j = job_find(c->cd, c->job_id);
	uint64_t done = atomic_load(&c->done);
	char msg[256]; /* the job keeps what fits */

	/* controld is exiting: the copy stops; a restart reports the job interrupted. */
	if (c->cd->draining)
		atomic_store(&c->stop, true);
	if (!j || !c->size)
		return;
	snprintf(msg, sizeof(msg), "copying %s to %s: %llu of %llu MiB", c->from, c->name,
		 (unsigned long long)(done >> 20), (unsigned long long)(c->size >> 20));
	job_progress(c->cd, j, (unsigned)(done * 99 / c->size), msg);
}

static void copy_failed(struct controld *cd, struct job *j, struct disk_copy *c, int rc)
{
	struct job_problem p = {"urn:keel:problem:internal", "Image store failed", 500, ""};
	char msg[256], detail[256];

	if (rc == -ENOSPC || rc == -EDQUOT)
		p = (struct job_problem){"urn:keel:problem:insufficient-storage",
					 "Not enough space", 507, ""};
	else if (rc == -EEXIST)
		p = (struct job_problem){"urn:keel:problem:conflict", "Conflict", 409, ""};
	snprintf(detail, sizeof(detail), "copying %s to %s: %s; nothing was kept", c->from, c->name,
		 strerror(-rc));
	str_copy(p.detail, detail, sizeof(p.detail));
	snprintf(msg, sizeof(msg), "copy of %s failed", c->from);
	log_warn("images: %s", detail);
	if (j)
		job_finish(cd, j, false, msg, &p);
}

static void copy_done(uv_work_t *w, int status)
{
	struct disk_copy *c = w->data;
	struct controld *cd = c->cd;
	struct job *j = job_find(cd, c->job_id);
	int rc = status ? status : c->rc;
	char msg[256];

	close(c->in);
	close(c->out);
	/* Never over an image of that name that appeared meanwhile (an upload). */
	if (!rc && renameat2(AT_FDCWD, c->tmp, AT_FDCWD, c->path, RENAME_NOREPLACE))
		rc = -errno;
	if (rc) {
		unlink(c->tmp);
		copy_failed(cd, j, c, rc);
	} else {
		image_mark_disk(cd, c->name);
		snprintf(msg, sizeof(msg), "copied %s to %s: %llu bytes (%s)", c->from, c->name,
			 (unsigned long long)c->size, c->how);
		log_info("images: %s", msg);
		if (j)
			job_finish(cd, j, true, msg, NULL);
	}
	uv_close((uv_handle_t *)&c->poll, poll_closed);
}

/* The source, open, and what it holds: -ENOENT unless a regular file of the store. */
static int open_source(struct controld *cd, struct disk_copy *c, struct stat *st)
{
	char path[PATH_MAX];
	int rc = image_file(cd, c->from, path);

	if (rc)
		return rc == -EINVAL ? -ENOENT : rc;
	c->in = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (c->in < 0)
		return errno == ELOOP ? -ENOENT : -errno;
	if (fstat(c->in, st) || !S_ISREG(st->st_mode)) {
		close(c->in);
		return -ENOENT;
	}
	c->size = (uint64_t)st->st_size;
	return 0;
}

int disk_copy_start(struct controld *cd, const char *from, const char *name, struct job **job)
{
	struct disk_copy *c = calloc(1, sizeof(*c));
	struct stat st;
	struct job *j;
	char msg[256];
	int rc;

	if (!c)
		return -ENOMEM;
	c->cd = cd;
	c->in = c->out = -1;
	str_copy(c->from, from, sizeof(c->from));
	str_copy(c->name, name, sizeof(c->name));
	rc = image_file(cd, name, c->path);
	rc = rc ?: image_aside(cd, IMAGE_NEW_PREFIX, name, "", c->tmp);
	if (!rc && image_taken(cd, name))
		rc = -EEXIST;
	rc = rc ?: open_source(cd, c, &st);
	if (rc) {
		free(c);
		return rc;
	}
	if (image_running_writer(cd, from))
		rc = -ETXTBSY;
	else if (c->size > image_max_bytes(cd))
		rc = -EFBIG;
	else /* what the source really holds: its holes are not copied */
		rc = disk_room(cd, (uint64_t)st.st_blocks * 512);
	if (!rc) {
		c->out = open(c->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (c->out < 0)
			rc = errno == EEXIST ? -EEXIST : -errno;
	}
	j = rc ? NULL : job_new(cd, JOB_KIND_COPY, NULL);
	if (!rc && !j)
		rc = -ENOMEM;
	if (rc) {
		close(c->in);
		if (c->out >= 0) {
			close(c->out);
			unlink(c->tmp);
		}
		free(c);
		return rc;
	}
	str_copy(c->job_id, j->id, sizeof(c->job_id));
	snprintf(msg, sizeof(msg), "copying %s to %s", from, name);
	job_progress(cd, j, 0, msg);
	c->work.data = c->poll.data = c;
	uv_timer_init(cd->loop, &c->poll);
	uv_timer_start(&c->poll, copy_poll, COPY_POLL_MS, COPY_POLL_MS);
	/* The poll alone must not keep an exiting controld's loop alive. */
	uv_unref((uv_handle_t *)&c->poll);
	rc = uv_queue_work(cd->loop, &c->work, copy_work, copy_done);
	if (rc) {
		c->rc = rc;
		copy_done(&c->work, rc);
	}
	*job = j;
	return 0;
}
