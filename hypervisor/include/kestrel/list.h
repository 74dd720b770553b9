/* SPDX-License-Identifier: GPL-2.0 */
/* Intrusive doubly linked circular lists. */
#ifndef KESTREL_LIST_H
#define KESTREL_LIST_H

#include <kestrel/types.h>

struct list_head {
	struct list_head *next, *prev;
};

#define LIST_HEAD_INIT(name) { &(name), &(name) }
#define LIST_HEAD(name) struct list_head name = LIST_HEAD_INIT(name)

static inline void list_init(struct list_head *h)
{
	h->next = h;
	h->prev = h;
}

static inline void __list_add(struct list_head *n, struct list_head *prev, struct list_head *next)
{
	next->prev = n;
	n->next = next;
	n->prev = prev;
	prev->next = n;
}

/* Insert n right after h (stack order). */
static inline void list_add(struct list_head *n, struct list_head *h)
{
	__list_add(n, h, h->next);
}

/* Insert n right before h (queue order when h is the head). */
static inline void list_add_tail(struct list_head *n, struct list_head *h)
{
	__list_add(n, h->prev, h);
}

static inline void list_del(struct list_head *e)
{
	e->next->prev = e->prev;
	e->prev->next = e->next;
	e->next = e;
	e->prev = e;
}

static inline bool list_empty(const struct list_head *h)
{
	return h->next == h;
}

#define list_entry(p, t, m) container_of(p, t, m)
#define list_first_entry(h, t, m) list_entry((h)->next, t, m)
#define list_for_each(p, h) for ((p) = (h)->next; (p) != (h); (p) = (p)->next)
#define list_for_each_safe(p, n, h) \
	for ((p) = (h)->next, (n) = (p)->next; (p) != (h); (p) = (n), (n) = (p)->next)
/* Iterate over the structures of type typeof(*pos) linked through their member m. */
#define list_for_each_entry(pos, h, m)                                   \
	for ((pos) = list_entry((h)->next, typeof(*(pos)), m); &(pos)->m != (h); \
	     (pos) = list_entry((pos)->m.next, typeof(*(pos)), m))
/* The same, allowing pos to be unlinked; n is a cursor of the same type. */
#define list_for_each_entry_safe(pos, n, h, m)                                 \
	for ((pos) = list_entry((h)->next, typeof(*(pos)), m),                 \
	    (n) = list_entry((pos)->m.next, typeof(*(pos)), m);                \
	     &(pos)->m != (h); (pos) = (n), (n) = list_entry((n)->m.next, typeof(*(n)), m))

#endif
