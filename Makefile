# Kestrel top-level build. `make` builds the hypervisor image, its gzip and a GRUB2 ISO;
# `make run` boots it in QEMU; `make test` runs every test. V=1 shows full commands.

V ?= 0
ifeq ($(V),1)
Q :=
quiet = @true
else
Q := @
quiet = @printf '  %-7s %s\n'
endif

CC := gcc
HOSTCC := gcc
LD := ld
OBJCOPY := objcopy
NM := nm
QEMU := qemu-system-x86_64
BUILD := build

.DEFAULT_GOAL := all
.PHONY: all deps run test unit-tests boot-tests clean help

# Debian packages the build, run and test commands need; the script is idempotent and
# quick when everything is present. SKIP_DEPS=1 skips it.
deps:
ifneq ($(SKIP_DEPS),1)
	$(Q)bash scripts/install-deps.sh
endif

# ---------------------------------------------------------------- hypervisor image
HV := hypervisor
HV_SRCS_C := $(wildcard $(HV)/common/*.c) $(wildcard $(HV)/arch/x86/*.c) $(wildcard $(HV)/arch/x86/pv/*.c)
HV_SRCS_S := $(wildcard $(HV)/arch/x86/*.S) $(wildcard $(HV)/arch/x86/pv/*.S)
HV_SRCS_S := $(filter-out %.ld.S,$(HV_SRCS_S))
HV_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(HV_SRCS_C)) $(patsubst %.S,$(BUILD)/%.o,$(HV_SRCS_S))

# -mcmodel=kernel cannot be used: it places code in the top 2 GiB, which belongs to PV
# guest kernels. The image lives in the hypervisor hole instead and is compiled
# position-independent (-fpie, small model: RIP-relative addressing) and linked static.
HV_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-ffreestanding -nostdinc -isystem $(shell $(CC) -print-file-name=include) \
	-fpie -mcmodel=small -mno-red-zone -mgeneral-regs-only -mno-mmx -mno-sse -mno-sse2 \
	-fno-stack-protector -fno-omit-frame-pointer -fno-asynchronous-unwind-tables \
	-fno-unwind-tables -fcf-protection=none -fno-tree-loop-distribute-patterns \
	-fno-strict-aliasing -include $(HV)/include/kestrel/compiler.h \
	-I$(HV)/include -I$(HV)/arch/x86/include -Iguest-abi/include -MMD -MP
HV_AFLAGS := -D__ASSEMBLY__ -I$(HV)/include -I$(HV)/arch/x86/include -MMD -MP
HV_LDFLAGS := -m elf_x86_64 -nostdlib -static -no-pie -z noexecstack -z max-page-size=0x1000 \
	--build-id=none --no-warn-rwx-segments

$(BUILD)/%.o: %.c | deps
	@mkdir -p $(dir $@)
	$(quiet) CC $<
	$(Q)$(CC) $(HV_CFLAGS) -c $< -o $@

$(BUILD)/%.o: %.S | deps
	@mkdir -p $(dir $@)
	$(quiet) AS $<
	$(Q)$(CC) $(HV_AFLAGS) -c $< -o $@

$(BUILD)/kestrel.ld: $(HV)/arch/x86/kestrel.ld.S $(HV)/arch/x86/include/asm/config.h
	@mkdir -p $(dir $@)
	$(quiet) CPP $<
	$(Q)$(CC) -E -P -undef -D__ASSEMBLY__ -I$(HV)/arch/x86/include -x c $< -o $@

# Two-pass link: the first with an empty symbol table, the second with the table made
# from the first. The table sits after all code, so no function moves between passes
# (checked below).
$(BUILD)/kestrel: $(HV_OBJS) $(BUILD)/kestrel.ld $(HV)/tools/gensyms.sh
	$(quiet) LD $@
	$(Q)$(HV)/tools/gensyms.sh < /dev/null > $(BUILD)/syms0.S
	$(Q)$(CC) $(HV_AFLAGS) -c $(BUILD)/syms0.S -o $(BUILD)/syms0.o
	$(Q)$(LD) $(HV_LDFLAGS) -T $(BUILD)/kestrel.ld -o $@.pass1 $(HV_OBJS) $(BUILD)/syms0.o
	$(Q)$(NM) -n $@.pass1 | $(HV)/tools/gensyms.sh > $(BUILD)/syms1.S
	$(Q)$(CC) $(HV_AFLAGS) -c $(BUILD)/syms1.S -o $(BUILD)/syms1.o
	$(Q)$(LD) $(HV_LDFLAGS) -T $(BUILD)/kestrel.ld -o $@ $(HV_OBJS) $(BUILD)/syms1.o
	$(Q)$(NM) -n $@ | $(HV)/tools/gensyms.sh | cmp -s - $(BUILD)/syms1.S || \
		{ echo "symbol table changed between link passes" >&2; rm -f $@; exit 1; }

$(BUILD)/kestrel.gz: $(BUILD)/kestrel
	$(quiet) GZIP $@
	$(Q)$(OBJCOPY) --strip-debug $< $(BUILD)/kestrel.stripped
	$(Q)gzip -9 -n -c $(BUILD)/kestrel.stripped > $@

# ---------------------------------------------------------------- GRUB2 ISO
KESTREL_ARGS ?= console=com1 com1=115200,8n1
ISO_ARGS_FILE := $(BUILD)/iso-args
.PHONY: FORCE
$(ISO_ARGS_FILE): FORCE
	@mkdir -p $(BUILD)
	@echo '$(KESTREL_ARGS)' | cmp -s - $@ || echo '$(KESTREL_ARGS)' > $@

$(BUILD)/kestrel.iso: $(BUILD)/kestrel.gz $(ISO_ARGS_FILE) scripts/mkiso.sh
	$(quiet) ISO $@
	$(Q)bash scripts/mkiso.sh $@ $(BUILD)/kestrel.gz "$$(cat $(ISO_ARGS_FILE))"

all: $(BUILD)/kestrel $(BUILD)/kestrel.gz $(BUILD)/kestrel.iso

# ---------------------------------------------------------------- run
# make run                      GRUB2 ISO, interactive (Ctrl-a x quits QEMU)
# make run RUN_TIMEOUT=20       the same, ended after 20 s
# make run RUN_BOOT=kernel      QEMU's -kernel (multiboot1) path; KESTREL_ARGS applies
# RUN_SMP, RUN_MEM              CPUs and memory (default 2, 1G)
RUN_BOOT ?= iso
RUN_SMP ?= 2
RUN_MEM ?= 1G
QEMU_COMMON := -accel tcg -cpu max -m $(RUN_MEM) -smp $(RUN_SMP) -nographic -no-reboot \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04
ifeq ($(RUN_BOOT),kernel)
RUN_MEDIA := -kernel $(BUILD)/kestrel -append "$(KESTREL_ARGS)"
else
RUN_MEDIA := -cdrom $(BUILD)/kestrel.iso
endif
ifneq ($(RUN_TIMEOUT),)
RUN_WRAP := timeout --foreground $(RUN_TIMEOUT)
endif

run: all
	$(Q)$(RUN_WRAP) $(QEMU) $(QEMU_COMMON) $(RUN_MEDIA); rc=$$?; \
	case $$rc in 0|124|33) exit 0;; *) echo "make run: QEMU exited with status $$rc" >&2; exit $$rc;; esac

# ---------------------------------------------------------------- tests
include tests/unit/unit.mk
# Guest test kernels (tests/guests/), make test-xen and make bench; ABI layout check.
-include tests/guests/guests.mk
-include tests/abi/abi.mk

test: all $(UNIT_BIN) $(ABI_BIN) $(ABI_FREE_OBJ) guest-kernels
	$(Q)bash tests/run-tests.sh

boot-tests: all guest-kernels
	$(Q)bash tests/boot/run-boot-tests.sh

clean:
	rm -rf $(BUILD)

help:
	@sed -n 's/^# make /make /p; s/^# RUN_/RUN_/p' Makefile

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
