/* SPDX-License-Identifier: GPL-2.0 */
/* The payload of mh_big: the generated blob, verbatim, in an allocated read-only PROGBITS section. */
#ifndef MH_BIG_BLOB
#error "build through modharness seeds: MH_BIG_BLOB=/abs/path/of/blob is required"
#endif
	.section .rodata.mh_big_blob, "a", @progbits
	.balign 64
	.globl mh_big_blob
mh_big_blob:
	.incbin MH_BIG_BLOB
	.globl mh_big_blob_end
mh_big_blob_end:
	.section .note.GNU-stack, "", @progbits
