// SPDX-License-Identifier: GPL-2.0
/* vctx-bench: medians and spread over the rounds of one boot. */
#include <stdlib.h>

#include "bench.h"

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int summary(double *v, int n, double *med, double *min, double *max)
{
	if (n == 0)
		return -1;
	qsort(v, n, sizeof(*v), cmp);
	*med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	*min = v[0];
	*max = v[n - 1];
	return 0;
}

/* The median, min and max of a cell's rounds; -1 if none succeeded. */
int cell_summary(const struct cell *c, int rounds, double *med, double *min, double *max)
{
	double v[MAX_ROUNDS];
	int n = 0;

	for (int i = 0; i < rounds; i++)
		if (c->st[i] == ST_OK)
			v[n++] = c->ns[i];
	return summary(v, n, med, min, max);
}

/* a/b per round (both measured in that round), then their median and spread. */
int ratio_summary(const struct cell *a, const struct cell *b, int rounds,
		  double *med, double *min, double *max)
{
	double v[MAX_ROUNDS];
	int n = 0;

	for (int i = 0; i < rounds; i++)
		if (a->st[i] == ST_OK && b->st[i] == ST_OK && b->ns[i] > 0)
			v[n++] = a->ns[i] / b->ns[i];
	return summary(v, n, med, min, max);
}
