// SPDX-License-Identifier: GPL-2.0
/*
 * mm.c - kmalloc family, slab caches and the string primitives the
 * architecture would provide in assembly.
 *
 * Every allocation goes to the host, which accounts it to the instance (or
 * the image) on whose behalf the kernel side runs, and reports what was not
 * freed when the instance is torn down.  Alignment follows kmalloc's
 * guarantee: ARCH_KMALLOC_MINALIGN, and the natural alignment of a
 * power-of-two size up to PAGE_SIZE.
 */
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/xarray.h>
#include <linux/rcupdate.h>
#include <linux/log2.h>
#include <linux/mm.h>

#include "emul.h"

struct kmem_cache {
	const char *name;
	unsigned int size;
	unsigned int align;
};

/* lib/radix-tree.c would create this; xarray allocates its nodes from it. */
extern struct kmem_cache *radix_tree_node_cachep;
void radix_tree_node_rcu_free(struct rcu_head *head);

static struct kmem_cache emul_radix_tree_node_cache;
struct kmem_cache *radix_tree_node_cachep;

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
kmem_buckets kmalloc_caches[NR_KMALLOC_TYPES];
#else
struct kmem_cache *kmalloc_caches[NR_KMALLOC_TYPES][KMALLOC_SHIFT_HIGH + 1];
#endif

void emul_mm_init(void)
{
	emul_radix_tree_node_cache.name = "radix_tree_node";
	emul_radix_tree_node_cache.size = sizeof(struct xa_node);
	emul_radix_tree_node_cache.align = ARCH_KMALLOC_MINALIGN;
	radix_tree_node_cachep = &emul_radix_tree_node_cache;
}

static unsigned long emul_kmalloc_align(size_t size)
{
	unsigned long align = ARCH_KMALLOC_MINALIGN;

	if (size && is_power_of_2(size))
		align = max_t(unsigned long, align, min_t(unsigned long, size, PAGE_SIZE));
	return align;
}

static void *emul_alloc_aligned(size_t size, unsigned long align, gfp_t flags)
{
	void *p;

	if (!size)
		return ZERO_SIZE_PTR;
	p = emul_host->alloc(emul_current.cookie, size, align);
	if (p && (flags & __GFP_ZERO))
		memset(p, 0, size);
	return p;
}

void *emul_alloc(size_t size, gfp_t flags)
{
	return emul_alloc_aligned(size, emul_kmalloc_align(size), flags);
}

void kfree(const void *objp)
{
	if (ZERO_OR_NULL_PTR(objp))
		return;
	emul_store_flush();  /* the host may stop the instance on a bad free */
	emul_forget_freed(objp);
	emul_host->free(emul_current.cookie, (void *)objp);
}

void kvfree(const void *addr)
{
	kfree(addr);
}

void kfree_const(const void *x)
{
	/* kstrdup_const() below always copies. */
	kfree(x);
}

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
void *__kmalloc_noprof(size_t size, gfp_t flags)
{
	return emul_alloc(size, flags);
}

void *__kmalloc_cache_noprof(struct kmem_cache *s, gfp_t flags, size_t size)
{
	return emul_alloc(size, flags);
}

void *__kmalloc_node_noprof(DECL_BUCKET_PARAMS(size, b), gfp_t flags, int node)
{
	return emul_alloc(size, flags);
}

void *__kmalloc_node_track_caller_noprof(DECL_BUCKET_PARAMS(size, b), gfp_t flags, int node,
					 unsigned long caller)
{
	return emul_alloc(size, flags);
}

void *__kmalloc_large_noprof(size_t size, gfp_t flags)
{
	return emul_alloc_aligned(size, PAGE_SIZE, flags);
}

void *__kvmalloc_node_noprof(DECL_BUCKET_PARAMS(size, b), gfp_t flags, int node)
{
	return emul_alloc(size, flags);
}

void *kmem_cache_alloc_noprof(struct kmem_cache *s, gfp_t flags)
{
	return emul_alloc_aligned(s->size, s->align, flags | __GFP_ZERO);
}

void *kmem_cache_alloc_lru_noprof(struct kmem_cache *s, struct list_lru *lru, gfp_t flags)
{
	return emul_alloc_aligned(s->size, s->align, flags | __GFP_ZERO);
}

void *kmemdup_noprof(const void *src, size_t len, gfp_t gfp)
{
	void *p = emul_alloc(len, gfp);

	if (p)
		memcpy(p, src, len);
	return p;
}
#else
void *__kmalloc(size_t size, gfp_t flags)
{
	return emul_alloc(size, flags);
}

void *__kmalloc_node(size_t size, gfp_t flags, int node)
{
	return emul_alloc(size, flags);
}

void *__kmalloc_node_track_caller(size_t size, gfp_t flags, int node, unsigned long caller)
{
	return emul_alloc(size, flags);
}

void *kmalloc_trace(struct kmem_cache *s, gfp_t flags, size_t size)
{
	return emul_alloc(size, flags);
}

void *kmalloc_large(size_t size, gfp_t flags)
{
	return emul_alloc_aligned(size, PAGE_SIZE, flags);
}

void *kmem_cache_alloc(struct kmem_cache *s, gfp_t flags)
{
	return emul_alloc_aligned(s->size, s->align, flags | __GFP_ZERO);
}

void *kmem_cache_alloc_lru(struct kmem_cache *s, struct list_lru *lru, gfp_t flags)
{
	return emul_alloc_aligned(s->size, s->align, flags | __GFP_ZERO);
}

void *kmemdup(const void *src, size_t len, gfp_t gfp)
{
	void *p = emul_alloc(len, gfp);

	if (p)
		memcpy(p, src, len);
	return p;
}
#endif

void kmem_cache_free(struct kmem_cache *s, void *objp)
{
	kfree(objp);
}

void radix_tree_node_rcu_free(struct rcu_head *head)
{
	struct xa_node *node = container_of(head, struct xa_node, rcu_head);

	kmem_cache_free(radix_tree_node_cachep, node);
}

char *kstrdup(const char *s, gfp_t gfp)
{
	size_t len;
	char *buf;

	if (!s)
		return NULL;
	len = strlen(s) + 1;
	buf = emul_alloc(len, gfp);
	if (buf)
		memcpy(buf, s, len);
	return buf;
}

const char *kstrdup_const(const char *s, gfp_t gfp)
{
	return kstrdup(s, gfp);
}

/*
 * The x86-64 string primitives (arch/x86/lib/mem*_64.S) are not built; these
 * use the same instructions the kernel's fast-string variants use.  Written
 * in assembly so the compiler cannot turn them back into calls to themselves.
 */
void *memcpy(void *dest, const void *src, size_t n)
{
	void *ret = dest;

	asm volatile("rep movsb" : "+D"(dest), "+S"(src), "+c"(n) : : "memory");
	return ret;
}

void *memset(void *s, int c, size_t n)
{
	void *ret = s;

	asm volatile("rep stosb" : "+D"(s), "+c"(n) : "a"(c) : "memory");
	return ret;
}

void *memmove(void *dest, const void *src, size_t n)
{
	void *ret = dest;

	if (dest <= src || (const char *)src + n <= (char *)dest) {
		asm volatile("rep movsb" : "+D"(dest), "+S"(src), "+c"(n) : : "memory");
	} else {
		const char *s = (const char *)src + n - 1;
		char *d = (char *)dest + n - 1;

		asm volatile("std; rep movsb; cld" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
	}
	return ret;
}
