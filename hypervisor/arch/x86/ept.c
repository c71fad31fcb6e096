// SPDX-License-Identifier: MIT
/* EPT builder (Intel SDM vol. 3, "EPT Translation Mechanism"). */
#include <arch/x86/ept.h>
#include <keel/errno.h>
#include <keel/string.h>

#define LEVEL_SHIFT(l) (12 + 9 * (l)) /* l = 0 (PT) .. 3 (PML4) */
#define INDEX(gpa, l)  (((gpa) >> LEVEL_SHIFT(l)) & 511)
#define PRESENT(pte)   ((pte)&EPT_RWX)

static u64 *table_of(const struct ept *e, u64 pte)
{
	return e->ops->phys_to_virt(e->ops->ctx, pte & EPT_ADDR_MASK);
}

static u64 *new_table(struct ept *e, u64 *pa)
{
	u64 *t = e->ops->alloc_table(e->ops->ctx, pa);

	if (t)
		e->tables++;
	return t;
}

int ept_init(struct ept *e, const struct ept_ops *ops)
{
	e->ops = ops;
	e->tables = 0;
	e->pml4 = new_table(e, &e->pml4_pa);
	return e->pml4 ? 0 : -ENOMEM;
}

u64 ept_pointer(const struct ept *e)
{
	return e->pml4_pa | (3 << 3) | EPT_MT_WB;
}

/* Replaces a 2 MiB leaf with a table of 512 equivalent 4 KiB leaves. */
static int split_large(struct ept *e, u64 *pde)
{
	u64 pa;
	u64 *t = new_table(e, &pa);

	if (!t)
		return -ENOMEM;
	u64 base = *pde & EPT_ADDR_MASK & ~(EPT_2M - 1);
	u64 attrs = *pde & ~EPT_ADDR_MASK & ~EPT_LARGE;
	for (int i = 0; i < 512; i++)
		t[i] = (base + ((u64)i << 12)) | attrs;
	*pde = pa | EPT_RWX;
	return 0;
}

/* Walks to the table at `level` for gpa, creating (or splitting into) tables on the way. */
static u64 *walk_create(struct ept *e, u64 gpa, int level)
{
	u64 *t = e->pml4;

	for (int l = 3; l > level; l--) {
		u64 *pte = &t[INDEX(gpa, l)];
		if (!PRESENT(*pte)) {
			u64 pa;
			if (!new_table(e, &pa))
				return NULL;
			*pte = pa | EPT_RWX;
		} else if (*pte & EPT_LARGE) {
			if (split_large(e, pte))
				return NULL;
		}
		t = table_of(e, *pte);
	}
	return t;
}

/* pte is an entry at `level` (0 = a PT entry); frees the tables below it. */
static void free_subtree(struct ept *e, u64 pte, int level)
{
	if (!PRESENT(pte) || (pte & EPT_LARGE) || level == 0)
		return;
	u64 *t = table_of(e, pte);
	for (int i = 0; i < 512; i++)
		free_subtree(e, t[i], level - 1);
	e->ops->free_table(e->ops->ctx, t, pte & EPT_ADDR_MASK);
	e->tables--;
}

int ept_map(struct ept *e, u64 gpa, u64 hpa, u64 size, u64 perms, u64 memtype)
{
	if ((gpa | hpa | size) & (PAGE_SIZE - 1) || !size || (perms & ~EPT_RWX) ||
	    gpa + size > EPT_MAX_GPA || gpa + size < gpa || (hpa & ~EPT_ADDR_MASK))
		return -EINVAL;
	u64 leaf_attrs = perms | (memtype << EPT_MT_SHIFT) | EPT_IGNORE_PAT;

	while (size) {
		bool big = !((gpa | hpa) & (EPT_2M - 1)) && size >= EPT_2M;
		u64 *t = walk_create(e, gpa, big ? 1 : 0);
		if (!t)
			return -ENOMEM;
		u64 *pte = &t[INDEX(gpa, big ? 1 : 0)];
		if (big) {
			/* A table below this slot is replaced by the large leaf. */
			free_subtree(e, *pte, 1);
			*pte = hpa | leaf_attrs | EPT_LARGE;
		} else {
			*pte = hpa | leaf_attrs;
		}
		u64 step = big ? EPT_2M : PAGE_SIZE;
		gpa += step;
		hpa += step;
		size -= step;
	}
	return 0;
}

int ept_unmap(struct ept *e, u64 gpa, u64 size)
{
	if ((gpa | size) & (PAGE_SIZE - 1) || gpa + size > EPT_MAX_GPA || gpa + size < gpa)
		return -EINVAL;
	while (size) {
		u64 *t = e->pml4;
		int l = 3;
		u64 *pte = NULL;
		for (; l >= 0; l--) {
			pte = &t[INDEX(gpa, l)];
			if (!PRESENT(*pte) || l == 0 || (*pte & EPT_LARGE))
				break;
			t = table_of(e, *pte);
		}
		u64 span = 1ULL << LEVEL_SHIFT(l);
		u64 start = ALIGN_DOWN(gpa, span);
		if (!PRESENT(*pte)) {
			/* Nothing mapped in this whole span. */
		} else if (start == gpa && size >= span) {
			free_subtree(e, *pte, l);
			*pte = 0;
		} else {
			/* Part of a 2 MiB leaf: split it and retry at 4 KiB. */
			if (split_large(e, pte))
				return -ENOMEM;
			continue;
		}
		u64 advance = start + span - gpa;
		if (advance >= size)
			break;
		gpa += advance;
		size -= advance;
	}
	return 0;
}

int ept_translate(const struct ept *e, u64 gpa, u64 *hpa, u64 *perms)
{
	if (gpa >= EPT_MAX_GPA)
		return -ENOENT;
	u64 *t = e->pml4;
	for (int l = 3; l >= 0; l--) {
		u64 pte = t[INDEX(gpa, l)];
		if (!PRESENT(pte))
			return -ENOENT;
		if (l == 0 || (pte & EPT_LARGE)) {
			u64 mask = (1ULL << LEVEL_SHIFT(l)) - 1;
			*hpa = (pte & EPT_ADDR_MASK & ~mask) | (gpa & mask);
			*perms = pte & EPT_RWX;
			return 0;
		}
		t = table_of(e, pte);
	}
	return -ENOENT;
}

void ept_destroy(struct ept *e)
{
	if (!e->pml4)
		return;
	free_subtree(e, e->pml4_pa | EPT_RWX, 4); /* the root as a level-4 entry */
	e->pml4 = NULL;
}
