// SPDX-License-Identifier: MIT
/* Image files mapped for the hypervisor: see hv_image.h. */
#include "hv_image.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int hv_image_map(const char *path, uint64_t max, struct hv_image *out)
{
	struct stat st;
	void *p;
	int fd, rc = 0;

	out->data = NULL;
	out->len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st))
		rc = -errno;
	else if (!S_ISREG(st.st_mode))
		rc = -EINVAL;
	else if (st.st_size == 0)
		rc = -ENODATA;
	else if ((uint64_t)st.st_size > max)
		rc = -E2BIG;
	if (!rc) {
		p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
		if (p == MAP_FAILED)
			rc = -errno;
		else {
			out->data = p;
			out->len = (size_t)st.st_size;
		}
	}
	close(fd);
	return rc;
}

void hv_image_unmap(struct hv_image *img)
{
	if (img->data)
		munmap(img->data, img->len);
	img->data = NULL;
	img->len = 0;
}
