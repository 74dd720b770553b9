/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kestrel's link map. One loadable segment, contiguous in the file from _start to _edata,
 * so multiboot loaders can copy it as a flat image (the a.out-kludge / address tags) to
 * IMAGE_PHYS_START. Page permissions are applied later by arch/x86/mm.c from the section
 * boundaries below, so they are page aligned.
 */
#include <asm/config.h>

OUTPUT_FORMAT("elf64-x86-64")
OUTPUT_ARCH(i386:x86-64)
ENTRY(start32_entry)

PHDRS
{
	image PT_LOAD FLAGS(7);
	note PT_NOTE;
}

SECTIONS
{
	. = IMAGE_VIRT_START;
	_start = .;
	.text : AT(ADDR(.text) - IMAGE_VIRT_BASE) {
		_stext = .;
		*(.head)
		*(.text.boot32)
		*(.text .text.*)
		_etext = .;
	} :image

	. = ALIGN(4096);
	.rodata : AT(ADDR(.rodata) - IMAGE_VIRT_BASE) {
		_srodata = .;
		*(.rodata .rodata.*)
		. = ALIGN(8);
		__param_start = .;
		KEEP(*(.init.param))
		__param_end = .;
		. = ALIGN(8);
		__start_ex_table = .;
		KEEP(*(.ex_table))
		__stop_ex_table = .;
	} :image
	.note : AT(ADDR(.note) - IMAGE_VIRT_BASE) {
		*(.note .note.*)
	} :image
	/* Symbol table for crash reports; last among the read-only data, so regenerating
	 * it between link passes moves no code. */
	.kallsyms : AT(ADDR(.kallsyms) - IMAGE_VIRT_BASE) {
		KEEP(*(.kallsyms))
		_erodata = .;
	} :image

	. = ALIGN(4096);
	.data : AT(ADDR(.data) - IMAGE_VIRT_BASE) {
		_sdata = .;
		*(.data.page_aligned)
		*(.data .data.*)
		*(.got .got.plt .igot.plt)
		_edata = .;
	} :image

	. = ALIGN(4096);
	.bss : AT(ADDR(.bss) - IMAGE_VIRT_BASE) {
		__bss_start = .;
		*(.bss.page_aligned)
		*(.bss .bss.* COMMON)
		. = ALIGN(4096);
		__bss_end = .;
	} :image
	_end = .;

	/* Physical addresses for the multiboot headers and 32-bit code. */
	__phys_start = _start - IMAGE_VIRT_BASE;
	__phys_edata = _edata - IMAGE_VIRT_BASE;
	__phys_end = _end - IMAGE_VIRT_BASE;

	/DISCARD/ : {
		*(.eh_frame .eh_frame_hdr .comment .note.GNU-stack .note.gnu.property)
		*(.interp .dynsym .dynstr .dynamic .hash .gnu.hash .rela.* .rel.*)
	}
}

ASSERT(_end - _start < 0x3fe00000, "image must fit in the first GiB mapped at boot")
ASSERT(multiboot2_header_end - _start < 4096, "multiboot headers must be in the first 8 KiB of the file")
