# docs/man: the man pages of gfx-device, gfx-ctl and gfx-compositor, written
# in scdoc (as wlroots and sway do), built into $(BUILD)/man.

SCDOC ?= scdoc
MAN_PAGES := $(patsubst docs/man/%.scd,$(BUILD)/man/%,$(wildcard docs/man/*.scd))

$(BUILD)/man/%: docs/man/%.scd
	@mkdir -p $(@D)
	@command -v $(SCDOC) >/dev/null || \
		{ echo "$@: needs scdoc (scripts/install-deps.sh build)" >&2; exit 1; }
	$(SCDOC) < $< > $@.tmp && mv $@.tmp $@

ALL_TARGETS += $(MAN_PAGES)

# --help of each program against its man page.
$(TESTBIN)/man_pages.sh: | $(MAN_PAGES) $(BIN)/gfx-device $(BIN)/gfx-ctl $(BIN)/gfx-compositor
TESTS += $(TESTBIN)/man_pages.sh
