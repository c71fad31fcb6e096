// SPDX-License-Identifier: MIT
/* Blank disks and growing one: see image_disk.h. */
#include "image_disk.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

int disk_room(const struct controld *cd, uint64_t bytes)
{
	struct statvfs vfs;

	if (statvfs(cd->cfg.images_dir, &vfs))
		return -errno;
	return (uint64_t)vfs.f_bavail * vfs.f_frsize < bytes ? -ENOSPC : 0;
}

static int size_ok(const struct controld *cd, uint64_t size)
{
	if (!size || size % IMAGE_DISK_SECTOR)
		return -EINVAL;
	return size > image_max_bytes(cd) ? -EFBIG : 0;
}

/* Durable: the file's size and the directory entry. */
static int sync_dir(const struct controld *cd)
{
	int rc = 0, fd = open(cd->cfg.images_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0 || fsync(fd))
		rc = -errno;
	if (fd >= 0)
		close(fd);
	return rc;
}

int disk_create_blank(struct controld *cd, const char *name, uint64_t size, struct image_info *out)
{
	char tmp[PATH_MAX], path[PATH_MAX];
	int fd, rc = image_file(cd, name, path);

	rc = rc ?: image_aside(cd, IMAGE_NEW_PREFIX, name, "", tmp);
	rc = rc ?: size_ok(cd, size);
	if (!rc && image_taken(cd, name))
		rc = -EEXIST;
	rc = rc ?: disk_room(cd, size);
	if (rc)
		return rc;
	/* Made aside and renamed whole: a reader never sees a half-made disk. */
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return errno == EEXIST ? -EEXIST : -errno;
	if (ftruncate(fd, (off_t)size) || fsync(fd))
		rc = -errno;
	close(fd);
	if (!rc && renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE))
		rc = -errno;
	if (rc) {
		unlink(tmp);
		return rc;
	}
	rc = image_mark_disk(cd, name);
	rc = rc ?: sync_dir(cd);
	rc = rc ?: image_get(cd, name, out);
	if (!rc)
		log_info("images: %s created, a blank disk of %llu bytes", name,
			 (unsigned long long)size);
	return rc;
}

int disk_resize(struct controld *cd, const char *name, uint64_t size, struct image_info *out)
{
	struct image_info now;
	char path[PATH_MAX];
	int fd, rc = image_get(cd, name, &now);

	rc = rc ?: size_ok(cd, size);
	rc = rc ?: image_file(cd, name, path);
	if (rc)
		return rc;
	if (size < now.size)
		return -ERANGE;
	if (image_running_user(cd, name))
		return -ETXTBSY;
	rc = disk_room(cd, size - now.size);
	if (rc)
		return rc;
	fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)size) || fsync(fd))
		rc = -errno;
	close(fd);
	rc = rc ?: image_mark_disk(cd, name);
	rc = rc ?: image_get(cd, name, out);
	if (!rc)
		log_info("images: %s now %llu bytes (was %llu)", name, (unsigned long long)size,
			 (unsigned long long)now.size);
	return rc;
}
