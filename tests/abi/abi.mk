# ABI layout test: tests/abi/layout.c static-asserts the sizes, offsets and constants of the
# public guest headers (guest-abi/include/public/). Compiling it is the test; running it
# prints "abi: N passed, 0 failed". build/abi/layout-freestanding.o checks that the
# headers and the test also build freestanding, the way guest kernels use them.
ABI_HDRS := $(wildcard guest-abi/include/public/*.h)
ABI_BIN := $(BUILD)/abi/layout
ABI_FREE_OBJ := $(BUILD)/abi/layout-freestanding.o
ABI_CFLAGS := -std=gnu11 -O1 -Wall -Wextra -Werror -Iguest-abi/include

$(ABI_BIN): tests/abi/layout.c $(ABI_HDRS)
	@mkdir -p $(dir $@)
	$(quiet) HOSTCC $@
	$(Q)$(HOSTCC) $(ABI_CFLAGS) -o $@ $<

$(ABI_FREE_OBJ): tests/abi/layout.c $(ABI_HDRS)
	@mkdir -p $(dir $@)
	$(quiet) CC $@
	$(Q)$(CC) $(ABI_CFLAGS) -ffreestanding -nostdinc -isystem $(shell $(CC) -print-file-name=include) \
		-c -o $@ $<

.PHONY: abi-test
abi-test: $(ABI_BIN) $(ABI_FREE_OBJ)
	$(Q)$(ABI_BIN)
