/* SPDX-License-Identifier: MIT */
/*
 * bench_report.c - gfx-bench's results: a table, or with --json one object
 * per line: {"name", "value", "unit", "reference", "reference_value", "ratio"}.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

struct result {
	const char *name;
	double value;
	const char *unit;
	const char *reference;	/* name of the reference result, or NULL */
	double reference_value;
};

static struct result results[40];
static int result_count;

double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), compare_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void record(const char *name, double value, const char *unit, const char *reference,
	    double reference_value)
{
	if (result_count < (int)(sizeof(results) / sizeof(results[0])))
		results[result_count++] = (struct result){ name, value, unit, reference,
							   reference_value };
}

void die(struct gfx_device *dev, const char *what, int err)
{
	fprintf(stderr, "gfx-bench: %s: %s (%s)\n", what, dev ? gfx_last_error(dev) : "",
		strerror(-err));
	exit(1);
}

void print_results(int json)
{
	if (!json)
		printf("%-36s %14s %-8s %-22s %8s\n", "name", "value", "unit", "reference", "ratio");
	for (int i = 0; i < result_count; i++) {
		const struct result *r = &results[i];
		double ratio = r->reference && r->reference_value > 0 ?
			       r->value / r->reference_value : 0;

		if (json) {
			printf("{\"name\": \"%s\", \"value\": %.6g, \"unit\": \"%s\", ",
			       r->name, r->value, r->unit);
			if (r->reference)
				printf("\"reference\": \"%s\", \"reference_value\": %.6g, "
				       "\"ratio\": %.4f}\n", r->reference, r->reference_value, ratio);
			else
				printf("\"reference\": null, \"ratio\": null}\n");
		} else if (r->reference) {
			printf("%-36s %14.4g %-8s %-22s %8.3f\n", r->name, r->value, r->unit,
			       r->reference, ratio);
		} else {
			printf("%-36s %14.4g %-8s %-22s %8s\n", r->name, r->value, r->unit, "-", "-");
		}
	}
}

