# Host unit tests: hypervisor/common/*.c built for the host with Check.
UNIT_COMMON := vsprintf printk cmdline serial_spec multiboot buddy heap timer time pvimage pvlayout ptwr_decode event_channel page_type sched_credit domu_args wallclock xz
UNIT_SRCS := $(addprefix hypervisor/common/,$(addsuffix .c,$(UNIT_COMMON))) \
	$(wildcard tests/unit/*.c) $(wildcard tests/unit/shim/*.c)
UNIT_BIN := build/unit/unit-tests
UNIT_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-Itests/unit/shim -Ihypervisor/include -Iguest-abi/include -Itests/unit -fsanitize=address,undefined \
	$(shell pkg-config --cflags check 2>/dev/null)
UNIT_LIBS := $(shell pkg-config --libs check 2>/dev/null)

$(UNIT_BIN): $(UNIT_SRCS) $(wildcard hypervisor/include/kestrel/*.h tests/unit/*.h tests/unit/shim/*.h tests/unit/shim/asm/*.h) | deps
	@mkdir -p $(dir $@)
	$(quiet) HOSTCC $@
	$(Q)$(HOSTCC) $(UNIT_CFLAGS) -o $@ $(UNIT_SRCS) $(UNIT_LIBS)

.PHONY: unit-tests
unit-tests: $(UNIT_BIN)
	$(UNIT_BIN)
