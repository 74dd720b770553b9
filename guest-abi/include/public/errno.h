/* SPDX-License-Identifier: MIT */
/*
 * Kestrel guest ABI: error numbers.
 *
 * Hypercalls return 0 (or a non-negative count/value) on success and the
 * negation of one of these numbers on failure, e.g. -XEN_EINVAL. The values
 * are the x86 Linux errno values and match Xen 4.17's public list exactly.
 * They are prefixed XEN_ so that this header can be included next to a C
 * library's <errno.h>. Plain #defines, so assembly can use them as well.
 *
 * Only the error codes that the hypervisor can actually return are listed;
 * a guest must still treat any negative return as a failure.
 */
#ifndef KESTREL_PUBLIC_ERRNO_H
#define KESTREL_PUBLIC_ERRNO_H

#define XEN_EPERM		1	/* caller lacks the privilege for this */
#define XEN_ENOENT		2	/* named object (vCPU, port, ...) absent */
#define XEN_ESRCH		3	/* no such domain */
#define XEN_EINTR		4	/* interrupted */
#define XEN_EIO			5	/* input/output error */
#define XEN_ENXIO		6	/* no such device or address */
#define XEN_E2BIG		7	/* argument list too long */
#define XEN_ENOEXEC		8	/* bad executable format */
#define XEN_EBADF		9	/* bad handle */
#define XEN_ECHILD		10	/* no child */
#define XEN_EAGAIN		11	/* temporarily unavailable, retry */
#define XEN_EWOULDBLOCK		XEN_EAGAIN	/* same value as XEN_EAGAIN */
#define XEN_ENOMEM		12	/* out of memory */
#define XEN_EACCES		13	/* access refused */
#define XEN_EFAULT		14	/* bad guest address */
#define XEN_EBUSY		16	/* resource busy / already set up */
#define XEN_EEXIST		17	/* object already exists */
#define XEN_EXDEV		18	/* cross-domain operation not allowed */
#define XEN_ENODEV		19	/* no such device */
#define XEN_ENOTDIR		20	/* not a directory */
#define XEN_EISDIR		21	/* is a directory */
#define XEN_EINVAL		22	/* invalid argument */
#define XEN_ENFILE		23	/* table full (system) */
#define XEN_EMFILE		24	/* table full (per domain) */
#define XEN_ENOSPC		28	/* no space left */
#define XEN_EROFS		30	/* read-only */
#define XEN_EMLINK		31	/* too many links */
#define XEN_EDOM		33	/* argument out of domain */
#define XEN_ERANGE		34	/* result out of range */
#define XEN_EDEADLK		35	/* deadlock would occur */
#define XEN_EDEADLOCK		XEN_EDEADLK	/* same value as XEN_EDEADLK */
#define XEN_ENAMETOOLONG	36	/* name too long */
#define XEN_ENOLCK		37	/* no lock available */
#define XEN_ENOSYS		38	/* operation not implemented */
#define XEN_ENOTEMPTY		39	/* not empty */
#define XEN_ENODATA		61	/* no data available */
#define XEN_ETIME		62	/* timer expired */
#define XEN_EBADMSG		74	/* malformed message */
#define XEN_EOVERFLOW		75	/* value too large */
#define XEN_EILSEQ		84	/* illegal byte sequence */
#define XEN_ERESTART		85	/* hypervisor-internal: call is restarted */
#define XEN_ENOTSOCK		88	/* not a socket */
#define XEN_EMSGSIZE		90	/* message too large */
#define XEN_EOPNOTSUPP		95	/* operation not supported */
#define XEN_EADDRINUSE		98	/* address in use */
#define XEN_EADDRNOTAVAIL	99	/* address not available */
#define XEN_ENOBUFS		105	/* no buffer space */
#define XEN_EISCONN		106	/* already connected */
#define XEN_ENOTCONN		107	/* not connected */
#define XEN_ETIMEDOUT		110	/* timed out */
#define XEN_ECONNREFUSED	111	/* connection refused */

#endif /* KESTREL_PUBLIC_ERRNO_H */
