/* SPDX-License-Identifier: MIT */
/*
 * harness.h - the smallest test harness that reports honestly.
 *
 * A test program calls run_test() per case. Each case prints one line,
 * "PASS name", "FAIL name: why" or "SKIP name: why", which tests/run.sh
 * counts. CHECK() records a failure with file:line and goes on; REQUIRE()
 * ends the case.
 */
#ifndef TEST_HARNESS_H
#define TEST_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct test_state {
	const char *name;
	int failed;
	int skipped;
	char why[512];
	jmp_buf out;
	int total_failed;
};

extern struct test_state test_state;

#define TEST_STATE_DEFINE struct test_state test_state

/* Give the reason a case failed, unless one is already recorded. */
static inline void test_note(const char *fmt, ...)
{
	va_list ap;

	if (test_state.why[0])
		return;
	va_start(ap, fmt);
	vsnprintf(test_state.why, sizeof(test_state.why), fmt, ap);
	va_end(ap);
}

static inline int test_check_passed(int ok, const char *expr, const char *file, int line)
{
	if (ok)
		return 1;
	test_state.failed = 1;
	if (!test_state.why[0])
		snprintf(test_state.why, sizeof(test_state.why), "%s:%d: %s", file, line, expr);
	fprintf(stderr, "  %s:%d: check failed: %s: ", file, line, expr);
	return 0;
}

#define CHECK(cond, ...) do {						\
	if (!test_check_passed(!!(cond), #cond, __FILE__, __LINE__)) {	\
		fprintf(stderr, "" __VA_ARGS__);			\
		fprintf(stderr, "\n");					\
	}								\
} while (0)

/* Evaluates cond once: a condition may start a process or consume data. */
#define REQUIRE(cond, ...) do {						\
	if (!test_check_passed(!!(cond), #cond, __FILE__, __LINE__)) {	\
		fprintf(stderr, "" __VA_ARGS__);			\
		fprintf(stderr, "\n");					\
		longjmp(test_state.out, 1);				\
	}								\
} while (0)

#define SKIP(...) do {							\
	test_state.skipped = 1;						\
	snprintf(test_state.why, sizeof(test_state.why), __VA_ARGS__);	\
	longjmp(test_state.out, 1);					\
} while (0)

static inline void run_test(const char *name, void (*fn)(void *), void *arg)
{
	test_state.name = name;
	test_state.failed = 0;
	test_state.skipped = 0;
	test_state.why[0] = 0;
	if (!setjmp(test_state.out))
		fn(arg);
	if (test_state.skipped) {
		printf("SKIP %s: %s\n", name, test_state.why);
	} else if (test_state.failed) {
		printf("FAIL %s: %s\n", name, test_state.why);
		test_state.total_failed++;
	} else {
		printf("PASS %s\n", name);
	}
	fflush(stdout);
}

/* Exit status of a test program: 1 if any case failed. */
#define TEST_EXIT() (test_state.total_failed ? 1 : 0)

#endif /* TEST_HARNESS_H */
