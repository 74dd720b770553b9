# Guest test kernels (tests/guests/): tiny 64-bit PV kernels in the spirit of XTF.
#   make guest-kernels   build every kernel into build/guests/<name>.elf
#   make test-xen        run them all on the real Xen 4.17 (fetched, never installed)
#   make bench           compare hypercall and syscall-bounce costs, Kestrel vs Xen
# GUEST_FILTER=REGEX limits test-xen to matching kernel names.

GUEST_DIR := tests/guests
GUEST_BUILD := $(BUILD)/guests
GUEST_SRCS := $(wildcard $(GUEST_DIR)/*.c)
GUEST_NAMES := $(sort $(patsubst $(GUEST_DIR)/%.c,%,$(GUEST_SRCS)))
GUEST_ELFS := $(patsubst %,$(GUEST_BUILD)/%.elf,$(GUEST_NAMES))

GUEST_COMMON_C := $(wildcard $(GUEST_DIR)/common/*.c)
GUEST_COMMON_S := $(wildcard $(GUEST_DIR)/common/*.S)
GUEST_COMMON_OBJS := $(patsubst $(GUEST_DIR)/common/%,$(GUEST_BUILD)/common/%.o,$(GUEST_COMMON_C) $(GUEST_COMMON_S))
GUEST_HCPAGE_OBJS := $(patsubst $(GUEST_DIR)/common/%,$(GUEST_BUILD)/common-hcpage/%.o,$(GUEST_COMMON_C) $(GUEST_COMMON_S))
GUEST_LDS := $(GUEST_DIR)/common/guest.ld

GUEST_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers \
	-ffreestanding -fno-pic -fno-pie -mcmodel=kernel -mno-red-zone -mgeneral-regs-only \
	-fno-stack-protector -fno-asynchronous-unwind-tables -fno-unwind-tables \
	-fcf-protection=none -fno-tree-loop-distribute-patterns -fno-strict-aliasing \
	-Iguest-abi/include -I$(GUEST_DIR)/common -MMD -MP
GUEST_AFLAGS := -D__ASSEMBLY__ -fno-pic -fno-pie -Iguest-abi/include -I$(GUEST_DIR)/common -MMD -MP
GUEST_LDFLAGS := -m elf_x86_64 -nostdlib -static -no-pie -z noexecstack -z max-page-size=0x1000 \
	--build-id=none --no-warn-rwx-segments -T $(GUEST_LDS)

.PHONY: guest-kernels test-xen test-guests-kestrel bench

guest-kernels: $(GUEST_ELFS)

$(GUEST_BUILD)/common/%.c.o: $(GUEST_DIR)/common/%.c
	@mkdir -p $(dir $@)
	$(quiet) CC $<
	$(Q)$(CC) $(GUEST_CFLAGS) -c $< -o $@

$(GUEST_BUILD)/common/%.S.o: $(GUEST_DIR)/common/%.S
	@mkdir -p $(dir $@)
	$(quiet) AS $<
	$(Q)$(CC) $(GUEST_AFLAGS) -c $< -o $@

$(GUEST_BUILD)/common-hcpage/%.c.o: $(GUEST_DIR)/common/%.c
	@mkdir -p $(dir $@)
	$(quiet) CC $< '(hypercall page)'
	$(Q)$(CC) $(GUEST_CFLAGS) -DGUEST_HYPERCALL_PAGE -c $< -o $@

$(GUEST_BUILD)/common-hcpage/%.S.o: $(GUEST_DIR)/common/%.S
	@mkdir -p $(dir $@)
	$(quiet) AS $< '(hypercall page)'
	$(Q)$(CC) $(GUEST_AFLAGS) -DGUEST_HYPERCALL_PAGE -c $< -o $@

$(GUEST_BUILD)/%.o: $(GUEST_DIR)/%.c
	@mkdir -p $(dir $@)
	$(quiet) CC $<
	$(Q)$(CC) $(GUEST_CFLAGS) -c $< -o $@

$(GUEST_BUILD)/hypercall-page.o: $(GUEST_DIR)/hypercall-page.c
	@mkdir -p $(dir $@)
	$(quiet) CC $<
	$(Q)$(CC) $(GUEST_CFLAGS) -DGUEST_HYPERCALL_PAGE -c $< -o $@

$(GUEST_BUILD)/hypercall-page.elf: $(GUEST_BUILD)/hypercall-page.o $(GUEST_HCPAGE_OBJS) $(GUEST_LDS)
	$(quiet) LD $@
	$(Q)$(LD) $(GUEST_LDFLAGS) -o $@ $< $(GUEST_HCPAGE_OBJS)

$(GUEST_BUILD)/%.elf: $(GUEST_BUILD)/%.o $(GUEST_COMMON_OBJS) $(GUEST_LDS)
	$(quiet) LD $@
	$(Q)$(LD) $(GUEST_LDFLAGS) -o $@ $< $(GUEST_COMMON_OBJS)

# The real Xen 4.17 (scripts/fetch-xen.sh unpacks Debian's package into build/xen/).
test-xen: guest-kernels
	$(Q)bash scripts/fetch-xen.sh
	$(Q)bash $(GUEST_DIR)/run-guest-tests.sh xen '$(GUEST_FILTER)'

# The same kernels on Kestrel.
test-guests-kestrel: guest-kernels $(BUILD)/kestrel
	$(Q)bash $(GUEST_DIR)/run-guest-tests.sh kestrel '$(GUEST_FILTER)'

bench: guest-kernels
	$(Q)bash scripts/bench.sh

.SECONDARY: $(GUEST_COMMON_OBJS) $(GUEST_HCPAGE_OBJS) $(patsubst %,$(GUEST_BUILD)/%.o,$(GUEST_NAMES))
