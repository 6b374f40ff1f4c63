// SPDX-License-Identifier: GPL-2.0
/*
 * vctx-bench: the table on stdout and the JSON document. Every figure is
 * a median over the rounds with its min and max; ratios are taken per
 * round (same boot, moments apart) and then summarised the same way.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bench.h"

/* Ratios worth reading: each configuration against the module-less one. */
static const enum cfg vs_unloaded[] = { CFG_IDLE, CFG_LOADED, CFG_NESTED, CFG_LIMITED, CFG_CGROUP, CFG_HIDEPID };

/* The comparisons the targets name (Documentation/performance.rst). */
static const struct {
	const char *name;
	enum cfg a; enum op ao;
	enum cfg b; enum op bo;
} targets[] = {
	{ "fork: loaded / unloaded (target <= 1.03)", CFG_LOADED, OP_FORK, CFG_UNLOADED, OP_FORK },
	{ "fork: loaded_idle / unloaded", CFG_IDLE, OP_FORK, CFG_UNLOADED, OP_FORK },
	{ "fork: limited / unloaded (target <= 1.05)", CFG_LIMITED, OP_FORK, CFG_UNLOADED, OP_FORK },
	{ "fork: nested3 / unloaded", CFG_NESTED, OP_FORK, CFG_UNLOADED, OP_FORK },
	{ "pipe: loaded / unloaded (target <= 1.01)", CFG_LOADED, OP_PIPE, CFG_UNLOADED, OP_PIPE },
	{ "pipe: nested3 / unloaded (target <= 1.01)", CFG_NESTED, OP_PIPE, CFG_UNLOADED, OP_PIPE },
	{ "readdir: nested3 / hidepid (target <= 1)", CFG_NESTED, OP_READDIR, CFG_HIDEPID, OP_READDIR },
	{ "fork: limited / cgroup_pids (target <= 1)", CFG_LIMITED, OP_FORK, CFG_CGROUP, OP_FORK },
	{ "fork: cgroup_pids / unloaded", CFG_CGROUP, OP_FORK, CFG_UNLOADED, OP_FORK },
	{ "ioctl INFO / getppid (loaded)", CFG_LOADED, OP_INFO, CFG_LOADED, OP_GETPPID },
	{ "capset: loaded / unloaded (the capable hook)", CFG_LOADED, OP_CAPSET, CFG_UNLOADED, OP_CAPSET },
	{ "capset: nested3 / unloaded", CFG_NESTED, OP_CAPSET, CFG_UNLOADED, OP_CAPSET },
};

static const int scale_ops[] = { OP_FORK, OP_READDIR, OP_STAT, OP_INFO, OP_CREATE, OP_ENTER };
#define NSCALE ((int)(sizeof(scale_ops) / sizeof(scale_ops[0])))

static const char *na_text(const struct cell *c, int rounds)
{
	for (int i = 0; i < rounds; i++)
		if (c->st[i] == ST_FAIL)
			return "FAIL";
	for (int i = 0; i < rounds; i++)
		if (c->st[i] == ST_NA)
			return "n/a";
	return "-";
}

static void fmt_cell(char *buf, size_t len, const struct cell *c, int rounds)
{
	double med, min, max;

	if (cell_summary(c, rounds, &med, &min, &max))
		snprintf(buf, len, "%s", na_text(c, rounds));
	else
		snprintf(buf, len, "%.0f ±%.0f%%", med, med > 0 ? 50 * (max - min) / med : 0);
}

void print_table(const struct results *r)
{
	char buf[64];
	double med, min, max;

	printf("\nns per operation: per round the fastest of 10 batches; median over %d rounds,\n"
	       "±: half the min-max range of the rounds in %% of the median\n", r->rounds);
	printf("%-26s", "operation");
	for (int c = 0; c < CFG_COUNT; c++)
		printf(" %14s", cfg_names[c]);
	printf("\n");
	for (int o = 0; o < OP_COUNT; o++) {
		printf("%-26s", ops[o].what);
		for (int c = 0; c < CFG_COUNT; c++) {
			fmt_cell(buf, sizeof(buf), &r->c[c][o], r->rounds);
			printf(" %14s", buf);
		}
		printf("\n");
	}
	printf("\nratio to unloaded, per round: median [min-max]\n%-26s", "operation");
	for (size_t i = 0; i < sizeof(vs_unloaded) / sizeof(vs_unloaded[0]); i++)
		printf(" %19s", cfg_names[vs_unloaded[i]]);
	printf("\n");
	for (int o = 0; o < OP_COUNT; o++) {
		if (ops[o].needs_module)
			continue;
		printf("%-26s", ops[o].what);
		for (size_t i = 0; i < sizeof(vs_unloaded) / sizeof(vs_unloaded[0]); i++) {
			if (ratio_summary(&r->c[vs_unloaded[i]][o], &r->c[CFG_UNLOADED][o], r->rounds,
					  &med, &min, &max))
				snprintf(buf, sizeof(buf), "%s", na_text(&r->c[vs_unloaded[i]][o], r->rounds));
			else
				snprintf(buf, sizeof(buf), "%.3f [%.2f-%.2f]", med, min, max);
			printf(" %19s", buf);
		}
		printf("\n");
	}
	printf("\ntargets (ratios per round: median [min-max])\n");
	for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
		if (ratio_summary(&r->c[targets[i].a][targets[i].ao], &r->c[targets[i].b][targets[i].bo],
				  r->rounds, &med, &min, &max))
			printf("  %-46s n/a\n", targets[i].name);
		else
			printf("  %-46s %.3f [%.3f-%.3f]\n", targets[i].name, med, min, max);
	}
	printf("\nentries seen by one readdir of /proc:");
	for (int c = 0; c < CFG_COUNT; c++)
		printf(" %s %ld", cfg_names[c], r->c[c][OP_READDIR].items);
	printf("\n");
	for (int c = 0; c < CFG_COUNT; c++)
		if (r->cfg_note[c][0])
			printf("%s: %s\n", cfg_names[c], r->cfg_note[c]);

	if (r->nlevels) {
		printf("\nscale (from a context of its own; %ld processes spread; median of %d rounds, ns)\n",
		       r->scale_procs, r->scale_rounds);
		printf("%-8s %-7s", "contexts", "procs");
		for (int i = 0; i < NSCALE; i++)
			printf(" %15.15s", ops[scale_ops[i]].what);
		printf("\n");
		for (int l = 0; l < r->nlevels; l++)
			for (int k = 0; k < 2; k++) {
				printf("%-8ld %-7ld", r->scale[l][k].contexts, r->scale[l][k].procs);
				for (int i = 0; i < NSCALE; i++) {
					fmt_cell(buf, sizeof(buf), &r->scale[l][k].c[scale_ops[i]], r->scale_rounds);
					printf(" %15s", buf);
				}
				printf("\n");
			}
		printf("\nmodule memory (SUnreclaim and MemAvailable deltas)\n");
		for (int l = 0; l < r->nlevels; l++)
			printf("  %5ld contexts: %6.0f B/context slab, %6.0f B/context available; "
			       "%ld processes: %5.0f B/process slab, %5.0f B/process available\n",
			       r->mem[l].contexts, r->mem[l].slab_per_ctx, r->mem[l].avail_per_ctx,
			       r->mem[l].tasks, r->mem[l].slab_per_task, r->mem[l].avail_per_task);
	}
	printf("\n%.0f s\n", r->seconds);
}

static void json_cell(FILE *f, const struct cell *c, int rounds)
{
	double med, min, max;
	int ok = !cell_summary(c, rounds, &med, &min, &max);
	const char *st = ok ? "ok" : na_text(c, rounds);

	/* n/a: not implemented by the module; none: not measured in this configuration */
	st = !strcmp(st, "FAIL") ? "fail" : !strcmp(st, "-") ? "none" : st;
	fprintf(f, "\"status\": \"%s\", \"samples_ns\": [", st);
	for (int i = 0; i < rounds; i++) {
		if (c->st[i] == ST_OK)
			fprintf(f, "%s%.1f", i ? ", " : "", c->ns[i]);
		else
			fprintf(f, "%snull", i ? ", " : "");
	}
	fprintf(f, "], \"mean_ns\": [");
	for (int i = 0; i < rounds; i++) {
		if (c->st[i] == ST_OK)
			fprintf(f, "%s%.1f", i ? ", " : "", c->mean[i]);
		else
			fprintf(f, "%snull", i ? ", " : "");
	}
	fprintf(f, "]");
	if (ok)
		fprintf(f, ", \"median_ns\": %.1f, \"min_ns\": %.1f, \"max_ns\": %.1f", med, min, max);
	if (c->err)
		fprintf(f, ", \"errno\": \"%s\"", strerrorname_np(c->err) ?: "?");
	if (c->items)
		fprintf(f, ", \"items\": %ld", c->items);
}

static void json_ratio(FILE *f, const char *name, const struct cell *a, const struct cell *b,
		       int rounds, int *first)
{
	double med, min, max;

	fprintf(f, "%s\n    {\"name\": \"%s\", ", *first ? "" : ",", name);
	*first = 0;
	if (ratio_summary(a, b, rounds, &med, &min, &max))
		fprintf(f, "\"status\": \"n/a\"}");
	else
		fprintf(f, "\"status\": \"ok\", \"median\": %.4f, \"min\": %.4f, \"max\": %.4f}",
			med, min, max);
}

int write_json(const struct results *r, const char *path)
{
	FILE *f = fopen(path, "w");
	char name[128];
	int first = 1;

	if (!f) {
		perror(path);
		return -1;
	}
	fprintf(f, "{\n  \"format\": \"vctx-bench 1\",\n  \"kernel\": \"%s\",\n", r->kernel);
	fprintf(f, "  \"rounds\": %d,\n  \"count_divisor\": %g,\n  \"seconds\": %.1f,\n",
		r->rounds, r->div, r->seconds);
	fprintf(f, "  \"module_features\": %llu,\n", (unsigned long long)r->features);
	fprintf(f, "  \"sleepers\": %ld,\n  \"tasks_with_sleepers\": %ld,\n", r->sleepers, r->sleepers_seen);
	fprintf(f, "  \"iterations\": {");
	for (int o = 0; o < OP_COUNT; o++)
		fprintf(f, "%s\"%s\": %ld", o ? ", " : "", ops[o].name, iterations(o, r->div));
	fprintf(f, "},\n  \"configs\": [");
	for (int c = 0; c < CFG_COUNT; c++)
		fprintf(f, "%s\n    {\"name\": \"%s\", \"note\": \"%s\"}", c ? "," : "", cfg_names[c],
			r->cfg_note[c]);
	fprintf(f, "\n  ],\n  \"results\": [");
	for (int c = 0; c < CFG_COUNT; c++)
		for (int o = 0; o < OP_COUNT; o++) {
			fprintf(f, "%s\n    {\"config\": \"%s\", \"op\": \"%s\", ", first ? "" : ",",
				cfg_names[c], ops[o].name);
			first = 0;
			json_cell(f, &r->c[c][o], r->rounds);
			fprintf(f, "}");
		}
	fprintf(f, "\n  ],\n  \"ratios\": [");
	first = 1;
	for (size_t i = 0; i < sizeof(vs_unloaded) / sizeof(vs_unloaded[0]); i++)
		for (int o = 0; o < OP_COUNT; o++) {
			if (ops[o].needs_module)
				continue;
			snprintf(name, sizeof(name), "%s: %s / unloaded", ops[o].name, cfg_names[vs_unloaded[i]]);
			json_ratio(f, name, &r->c[vs_unloaded[i]][o], &r->c[CFG_UNLOADED][o], r->rounds, &first);
		}
	for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++)
		json_ratio(f, targets[i].name, &r->c[targets[i].a][targets[i].ao],
			   &r->c[targets[i].b][targets[i].bo], r->rounds, &first);
	fprintf(f, "\n  ],\n  \"scale_processes\": %ld,\n  \"scale_tasks_seen\": %ld,\n  \"scale\": [",
		r->scale_procs, r->scale_procs_seen);
	first = 1;
	for (int l = 0; l < r->nlevels; l++)
		for (int k = 0; k < 2; k++)
			for (int i = 0; i < NSCALE; i++) {
				fprintf(f, "%s\n    {\"contexts\": %ld, \"processes\": %ld, \"op\": \"%s\", ",
					first ? "" : ",", r->scale[l][k].contexts, r->scale[l][k].procs,
					ops[scale_ops[i]].name);
				first = 0;
				json_cell(f, &r->scale[l][k].c[scale_ops[i]], r->scale_rounds);
				fprintf(f, "}");
			}
	fprintf(f, "\n  ],\n  \"memory\": [");
	for (int l = 0; l < r->nlevels; l++)
		fprintf(f, "%s\n    {\"contexts\": %ld, \"slab_bytes_per_context\": %.1f, "
			"\"available_bytes_per_context\": %.1f, \"processes\": %ld, "
			"\"slab_bytes_per_process\": %.1f, \"available_bytes_per_process\": %.1f}",
			l ? "," : "", r->mem[l].contexts, r->mem[l].slab_per_ctx, r->mem[l].avail_per_ctx,
			r->mem[l].tasks, r->mem[l].slab_per_task, r->mem[l].avail_per_task);
	fprintf(f, "\n  ]\n}\n");
	return fclose(f) ? -1 : 0;
}
