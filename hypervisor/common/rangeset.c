// SPDX-License-Identifier: MIT
/* Sorted, disjoint, merged ranges: see rangeset.h. */
#include <keel/rangeset.h>
#include <keel/errno.h>

void rangeset_init(struct rangeset *s, struct range *storage, u32 max)
{
	s->nr = 0;
	s->max = max;
	s->r = storage;
}

/* Index of the first range whose end is >= x (s->nr if none). */
static u32 first_ending_at_or_after(const struct rangeset *s, u64 x)
{
	u32 lo = 0, hi = s->nr;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;
		if (s->r[mid].end < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void shift(struct rangeset *s, u32 from, int by)
{
	if (by > 0)
		for (u32 i = s->nr; i > from; i--)
			s->r[i] = s->r[i - 1];
	else
		for (u32 i = from; i + 1 < s->nr; i++)
			s->r[i] = s->r[i + 1];
	s->nr += by;
}

int rangeset_add(struct rangeset *s, u64 start, u64 end)
{
	if (start > end)
		return -EINVAL;
	u32 i = first_ending_at_or_after(s, start);
	if (i < s->nr && s->r[i].start <= end)
		return -EEXIST;
	/* Neighbours that touch it: the one before ends at start-1, the one at i starts at end+1.
	 */
	bool left = i > 0 && start && s->r[i - 1].end == start - 1;
	bool right = i < s->nr && end != ~0ULL && s->r[i].start == end + 1;
	if (left && right) {
		s->r[i - 1].end = s->r[i].end;
		shift(s, i, -1);
	} else if (left) {
		s->r[i - 1].end = end;
	} else if (right) {
		s->r[i].start = start;
	} else {
		if (s->nr == s->max)
			return -ENOMEM;
		shift(s, i, 1);
		s->r[i] = (struct range){start, end};
	}
	return 0;
}

int rangeset_remove(struct rangeset *s, u64 start, u64 end)
{
	if (start > end)
		return -EINVAL;
	u32 i = first_ending_at_or_after(s, start);
	if (i == s->nr || s->r[i].start > start || s->r[i].end < end)
		return -ENOENT;
	struct range *r = &s->r[i];
	if (r->start == start && r->end == end) {
		shift(s, i, -1);
	} else if (r->start == start) {
		r->start = end + 1;
	} else if (r->end == end) {
		r->end = start - 1;
	} else {
		if (s->nr == s->max)
			return -ENOMEM;
		u64 tail_end = r->end;
		r->end = start - 1;
		shift(s, i + 1, 1);
		s->r[i + 1] = (struct range){end + 1, tail_end};
	}
	return 0;
}

bool rangeset_contains(const struct rangeset *s, u64 start, u64 end)
{
	if (start > end)
		return false;
	u32 i = first_ending_at_or_after(s, start);
	return i < s->nr && s->r[i].start <= start && s->r[i].end >= end;
}
