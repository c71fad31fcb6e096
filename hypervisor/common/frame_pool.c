// SPDX-License-Identifier: MIT
/* Extent-list frame allocator: see frame_pool.h. */
#include <keel/frame_pool.h>
#include <keel/errno.h>
#include <keel/string.h>

void frame_pool_init(struct frame_pool *p)
{
	memset(p, 0, sizeof(*p));
}

static void remove_at(struct frame_pool *p, u32 i)
{
	memmove(&p->ext[i], &p->ext[i + 1], (p->nr - i - 1) * sizeof(p->ext[0]));
	p->nr--;
}

static int insert_at(struct frame_pool *p, u32 i, u64 start, u64 end)
{
	if (p->nr == FRAME_POOL_MAX_EXTENTS)
		return -ENOSPC;
	memmove(&p->ext[i + 1], &p->ext[i], (p->nr - i) * sizeof(p->ext[0]));
	p->ext[i].start = start;
	p->ext[i].end = end;
	p->nr++;
	return 0;
}

int frame_pool_add(struct frame_pool *p, u64 start, u64 end)
{
	start = ALIGN_UP(start, PAGE_SIZE);
	end = ALIGN_DOWN(end, PAGE_SIZE);
	if (end <= start)
		return 0;

	u32 i = 0;
	while (i < p->nr && p->ext[i].end < start)
		i++;
	/* ext[i] is the first extent ending at or after start; all before it end earlier. */
	if (i < p->nr && p->ext[i].start < end && start < p->ext[i].end)
		return -EEXIST;
	if (i + 1 < p->nr && p->ext[i].end == start && p->ext[i + 1].start < end)
		return -EEXIST;
	if (i < p->nr && p->ext[i].end == start) {
		/* Grows ext[i] to the right, perhaps up to ext[i + 1]. */
		p->ext[i].end = end;
		if (i + 1 < p->nr && p->ext[i + 1].start == end) {
			p->ext[i].end = p->ext[i + 1].end;
			remove_at(p, i + 1);
		}
	} else if (i < p->nr && p->ext[i].start == end) {
		p->ext[i].start = start;
	} else {
		int err = insert_at(p, i, start, end);
		if (err)
			return err;
	}
	p->free_bytes += end - start;
	return 0;
}

int frame_pool_reserve(struct frame_pool *p, u64 start, u64 end)
{
	start = ALIGN_DOWN(start, PAGE_SIZE);
	end = ALIGN_UP(end, PAGE_SIZE);
	for (u32 i = 0; i < p->nr;) {
		struct frame_extent *e = &p->ext[i];
		if (e->end <= start || e->start >= end) {
			i++;
			continue;
		}
		u64 cut_lo = MAX(e->start, start), cut_hi = MIN(e->end, end);
		p->free_bytes -= cut_hi - cut_lo;
		if (cut_lo == e->start && cut_hi == e->end) {
			remove_at(p, i);
			continue;
		}
		if (cut_lo == e->start) {
			e->start = cut_hi;
		} else if (cut_hi == e->end) {
			e->end = cut_lo;
		} else {
			u64 old_end = e->end;
			e->end = cut_lo;
			int err = insert_at(p, i + 1, cut_hi, old_end);
			if (err) {
				/* Keep the accounting honest: the tail stays lost. */
				p->free_bytes -= old_end - cut_hi;
				return err;
			}
		}
		i++;
	}
	return 0;
}

int frame_pool_alloc(struct frame_pool *p, u64 size, u64 align, u64 *out)
{
	if (!size || size % PAGE_SIZE || align < PAGE_SIZE || (align & (align - 1)))
		return -EINVAL;
	for (u32 n = p->nr; n-- > 0;) {
		struct frame_extent *e = &p->ext[n];
		if (e->end - e->start < size)
			continue;
		u64 at = ALIGN_DOWN(e->end - size, align);
		if (at < e->start)
			continue;
		int err = frame_pool_reserve(p, at, at + size);
		if (err)
			return err;
		*out = at;
		return 0;
	}
	return -ENOMEM;
}

int frame_pool_free(struct frame_pool *p, u64 start, u64 size)
{
	if (start % PAGE_SIZE || size % PAGE_SIZE)
		return -EINVAL;
	return frame_pool_add(p, start, start + size);
}

u64 frame_pool_largest(const struct frame_pool *p)
{
	u64 best = 0;

	for (u32 i = 0; i < p->nr; i++)
		best = MAX(best, p->ext[i].end - p->ext[i].start);
	return best;
}
