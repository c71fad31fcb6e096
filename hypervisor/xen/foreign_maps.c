// SPDX-License-Identifier: MIT
/*
 * Foreign-mapping records (foreign_maps.h): a hash by (mapper, gfn) over entries
 * in pages of the frame pool. A page goes back to the pool when its last entry
 * is removed, and the hash when the last record is: the host's free memory is
 * what it was once the mappings are gone.
 */
#include <keel/foreign_maps.h>
#include <keel/mm.h>

#define HASH_BITS  15
#define HASH_PAGES ((sizeof(struct foreign_map *) << HASH_BITS) / PAGE_SIZE)

struct entry_page {
	struct entry_page *next, *prev;		  /* every page */
	struct entry_page *next_free, *prev_free; /* pages with a free entry */
	struct foreign_map *free;		  /* this page's free entries */
	u32 used;
	struct foreign_map e[(PAGE_SIZE - 6 * sizeof(void *)) / sizeof(struct foreign_map)];
};
_Static_assert(sizeof(struct entry_page) <= PAGE_SIZE, "one page of entries");

static struct foreign_map **hash;
static struct entry_page *pages, *with_free;
static u64 in_use;
static u32 walking; /* foreign_each running (nested too): pages are freed after it */

static u32 slot(const struct domain *mapper, u64 gfn)
{
	u64 k = gfn ^ ((u64)(uintptr_t)mapper >> 4) * 0x9e3779b97f4a7c15ULL;

	return (u32)((k * 0x9e3779b97f4a7c15ULL) >> (64 - HASH_BITS));
}

static struct entry_page *page_of(const struct foreign_map *m)
{
	return (struct entry_page *)((uintptr_t)m & ~(uintptr_t)(PAGE_SIZE - 1));
}

static void free_list_add(struct entry_page *p)
{
	p->prev_free = NULL;
	p->next_free = with_free;
	if (with_free)
		with_free->prev_free = p;
	with_free = p;
}

static void free_list_del(struct entry_page *p)
{
	if (p->prev_free)
		p->prev_free->next_free = p->next_free;
	else
		with_free = p->next_free;
	if (p->next_free)
		p->next_free->prev_free = p->prev_free;
}

struct foreign_map *foreign_find(const struct domain *mapper, u64 gfn)
{
	if (!hash)
		return NULL;
	for (struct foreign_map *m = hash[slot(mapper, gfn)]; m; m = m->next)
		if (m->mapper == mapper && m->gfn == gfn)
			return m;
	return NULL;
}

static int grow(void)
{
	if (!hash && !(hash = pages_alloc(HASH_PAGES)))
		return -1;
	struct entry_page *p = pages_alloc(1);
	if (!p)
		return -1;
	for (u32 i = ARRAY_SIZE(p->e); i--;) {
		p->e[i].next = p->free;
		p->free = &p->e[i];
	}
	p->next = pages;
	if (pages)
		pages->prev = p;
	pages = p;
	free_list_add(p);
	return 0;
}

struct foreign_map *foreign_insert(struct domain *mapper, struct domain *owner, u64 gfn,
				   paddr_t hpa, bool ram)
{
	if (!mapper || in_use >= FOREIGN_MAPS_MAX || (!with_free && grow()))
		return NULL;
	struct entry_page *p = with_free;
	struct foreign_map *m = p->free;
	p->free = m->next;
	if (!p->free)
		free_list_del(p);
	p->used++;
	u32 s = slot(mapper, gfn);
	*m = (struct foreign_map){mapper, owner, gfn, hpa, hash[s], ram};
	hash[s] = m;
	in_use++;
	return m;
}

static void page_release(struct entry_page *p)
{
	free_list_del(p);
	if (p->prev)
		p->prev->next = p->next;
	else
		pages = p->next;
	if (p->next)
		p->next->prev = p->prev;
	pages_free(p, 1);
}

void foreign_remove(struct foreign_map *m)
{
	struct foreign_map **link = &hash[slot(m->mapper, m->gfn)];
	struct entry_page *p = page_of(m);

	while (*link && *link != m)
		link = &(*link)->next;
	if (*link)
		*link = m->next;
	*m = (struct foreign_map){0};
	m->next = p->free;
	if (!p->free)
		free_list_add(p);
	p->free = m;
	in_use--;
	if (!--p->used && !walking)
		page_release(p);
	if (!in_use && !walking) {
		pages_free(hash, HASH_PAGES);
		hash = NULL;
	}
}

/* fn may remove any record, also through nested walks (a domain freed as its last foreign
 * mapping goes releases its own): no page is freed until the outermost walk is done. */
void foreign_each(void (*fn)(struct foreign_map *m, void *ctx), void *ctx)
{
	struct entry_page *p, *next;

	walking++;
	for (p = pages; p; p = p->next)
		for (u32 i = 0; i < ARRAY_SIZE(p->e); i++)
			if (p->e[i].mapper)
				fn(&p->e[i], ctx);
	if (--walking)
		return;
	for (p = pages; p; p = next) {
		next = p->next;
		if (!p->used)
			page_release(p);
	}
	if (!in_use && hash) {
		pages_free(hash, HASH_PAGES);
		hash = NULL;
	}
}

u64 foreign_count(void)
{
	return in_use;
}
