# tests: the runner's own test (and the build-system tests below).

TESTS += $(TESTBIN)/runner.sh

# make install into a temporary DESTDIR, the README's example against it, make uninstall.
TESTS += $(TESTBIN)/install.sh

# A detected dependency (SDL2) that appears or disappears rebuilds what uses it.
TESTS += $(TESTBIN)/build_config.sh

