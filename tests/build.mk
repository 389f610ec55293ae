# tests: the runner's own test (and the build-system tests below).

TESTS += $(TESTBIN)/runner.sh
