/*
 * rk4.c: the C twin of laa's batched RK4 (neuron/simulate.go), noise free,
 * for the side-by-side throughput benchmark in bench/simspeed (not part of
 * the library).
 *
 *   rk4 PARAMS.f64 OUT.f64|- [DT_MS]
 *
 * PARAMS.f64: N x 7 little-endian float64 rows (C_m, g_L, E_L, k, V_thr,
 * G_act, V_rest). OUT.f64: N x 600 float64 noise-free traces ("-" writes
 * nothing). Prints one line on stdout:
 *
 *   n=N threads=T dt=DT seconds=S cpu_seconds=C rest_maxdiff=D
 *
 * where S is the wall time of the parallel integration (resting potentials
 * included, file I/O excluded), C the CPU time of all threads over the same
 * region, and D is the largest difference between the
 * resting potential recomputed here and column 7 of the input.
 *
 * The scheme is the one of neuron/simulate.go for the default experiment:
 * blocks of 32 trajectories in lockstep, structure of arrays, start at the
 * resting potential (recomputed with the same scan and bisection as
 * neuron.RestingPotential), the default staircase evaluated per step just
 * after t, at t + dt/2 and just before t + dt, the same RK4 stages with the
 * same operation order, 600 samples at 1 ms. Blocks are spread over OpenMP
 * threads (OMP_NUM_THREADS).
 */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BLOCK 32
#define NSAMPLES 600
#define RECORD_MS 1.0

typedef struct {
	double cm, gl, el, k, vthr, gact, vrest;
} params;

static double sigmoid(double x) { return 1 / (1 + exp(-x)); }

/* neuron.RestingPotential, step for step. */
static int resting(const params *p, double *out) {
	if (p->gact == 0) {
		*out = p->el;
		return 0;
	}
	double hi = p->el + p->gact / p->gl, lo = p->el;
	double step = fmin(0.1, p->k / 8);
#define F(v) (-p->gl * ((v) - p->el) + p->gact * sigmoid(((v) - p->vthr) / p->k))
	for (double v = p->el + step;; v += step) {
		if (v > hi)
			v = hi;
		if (F(v) <= 0) {
			hi = v;
			break;
		}
		lo = v;
		if (v == hi)
			return -1;
	}
	for (int i = 0; i < 200; i++) {
		double mid = (lo + hi) / 2;
		if (mid == lo || mid == hi)
			break;
		if (F(mid) > 0)
			lo = mid;
		else
			hi = mid;
	}
#undef F
	*out = (lo + hi) / 2;
	return 0;
}

/* CPU time of the whole process (all threads). */
static double cpu_seconds(void) {
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

/* The default staircase (neuron.DefaultStaircase), right-continuous. */
static double staircase(double t) {
	if (t < 50)
		return 0;
	if (t < 200)
		return 0.5;
	if (t < 350)
		return 1.0;
	if (t < 500)
		return 1.5;
	return 0;
}

/* Per-step currents, as in neuron.NewSimulator. */
static double *i0, *im, *i1;
static long nsteps, per_record;
static double h;

static inline void deriv(int nb, double *restrict dst, const double *restrict x, double iext,
                         const double *gact, const double *vthr, const double *invk, const double *gl,
                         const double *el, const double *invc) {
	for (int b = 0; b < nb; b++) {
		double a = gact[b] / (1 + exp((vthr[b] - x[b]) * invk[b]));
		dst[b] = (a - gl[b] * (x[b] - el[b]) + iext + 0.0) * invc[b]; /* + ou (0 without noise) */
	}
}

/* Integrates ps[0..nb) into out (nb x NSAMPLES); returns the largest
 * |recomputed - given| resting potential, or -1 on a failure. */
static double block(const params *ps, int nb, double *out) {
	double v[BLOCK], invc[BLOCK], gl[BLOCK], el[BLOCK], invk[BLOCK], vthr[BLOCK], gact[BLOCK];
	double k1[BLOCK], k2[BLOCK], k3[BLOCK], k4[BLOCK], tmp[BLOCK];
	double rd = 0;
	for (int b = 0; b < nb; b++) {
		const params *p = &ps[b];
		double rest;
		if (resting(p, &rest) != 0)
			return -1;
		rd = fmax(rd, fabs(rest - p->vrest));
		v[b] = rest, invc[b] = 1 / p->cm, gl[b] = p->gl, el[b] = p->el, invk[b] = 1 / p->k;
		vthr[b] = p->vthr, gact[b] = p->gact;
	}
	for (int b = 0; b < nb; b++)
		out[(long)b * NSAMPLES] = v[b];
	for (long j = 0; j < nsteps; j++) {
		deriv(nb, k1, v, i0[j], gact, vthr, invk, gl, el, invc);
		for (int b = 0; b < nb; b++)
			tmp[b] = v[b] + 0.5 * h * k1[b];
		deriv(nb, k2, tmp, im[j], gact, vthr, invk, gl, el, invc);
		for (int b = 0; b < nb; b++)
			tmp[b] = v[b] + 0.5 * h * k2[b];
		deriv(nb, k3, tmp, im[j], gact, vthr, invk, gl, el, invc);
		for (int b = 0; b < nb; b++)
			tmp[b] = v[b] + h * k3[b];
		deriv(nb, k4, tmp, i1[j], gact, vthr, invk, gl, el, invc);
		for (int b = 0; b < nb; b++)
			v[b] += h / 6 * (k1[b] + 2 * k2[b] + 2 * k3[b] + k4[b]);
		if ((j + 1) % per_record == 0) {
			long i = (j + 1) / per_record;
			for (int b = 0; b < nb; b++) {
				if (!isfinite(v[b]))
					return -1;
				out[(long)b * NSAMPLES + i] = v[b];
			}
		}
	}
	return rd;
}

int main(int argc, char **argv) {
	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: %s PARAMS.f64 OUT.f64|- [DT_MS]\n", argv[0]);
		return 2;
	}
	h = argc == 4 ? atof(argv[3]) : 0.5;
	per_record = lround(RECORD_MS / h);
	if (!(h > 0) || fabs(RECORD_MS / h - per_record) > 1e-9) {
		fprintf(stderr, "rk4: dt %g ms must divide %g ms\n", h, RECORD_MS);
		return 2;
	}
	FILE *f = fopen(argv[1], "rb");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	fseek(f, 0, SEEK_END);
	long bytes = ftell(f);
	rewind(f);
	long n = bytes / (long)sizeof(params);
	if (n == 0 || bytes % (long)sizeof(params)) {
		fprintf(stderr, "rk4: %s holds %ld bytes, not a positive multiple of %zu\n", argv[1], bytes, sizeof(params));
		return 1;
	}
	params *ps = malloc(bytes);
	if (fread(ps, 1, bytes, f) != (size_t)bytes) {
		perror(argv[1]);
		return 1;
	}
	fclose(f);

	nsteps = (NSAMPLES - 1) * per_record;
	i0 = malloc(nsteps * sizeof(double)), im = malloc(nsteps * sizeof(double)), i1 = malloc(nsteps * sizeof(double));
	double nudge = 1e-7 * h;
	for (long j = 0; j < nsteps; j++) {
		double t = (double)j * h;
		i0[j] = staircase(t + nudge), im[j] = staircase(t + h / 2), i1[j] = staircase(t + h - nudge);
	}
	double *out = malloc(n * NSAMPLES * sizeof(double));
	/* Touch the output pages before timing, as Go's make() does. */
	memset(out, 0, n * NSAMPLES * sizeof(double));

	long nblocks = (n + BLOCK - 1) / BLOCK;
	double rd = 0;
	int failed = 0;
	double t0 = omp_get_wtime(), c0 = cpu_seconds();
#pragma omp parallel for schedule(dynamic, 1) reduction(max : rd) reduction(| : failed)
	for (long blk = 0; blk < nblocks; blk++) {
		long lo = blk * BLOCK, hi = lo + BLOCK < n ? lo + BLOCK : n;
		double d = block(ps + lo, (int)(hi - lo), out + lo * NSAMPLES);
		if (d < 0)
			failed = 1;
		else
			rd = fmax(rd, d);
	}
	double secs = omp_get_wtime() - t0, cpu = cpu_seconds() - c0;
	if (failed) {
		fprintf(stderr, "rk4: a resting potential was not found or a state became non-finite\n");
		return 1;
	}
	if (strcmp(argv[2], "-") != 0) {
		FILE *o = fopen(argv[2], "wb");
		if (!o || fwrite(out, sizeof(double), n * NSAMPLES, o) != (size_t)(n * NSAMPLES) || fclose(o)) {
			perror(argv[2]);
			return 1;
		}
	}
	printf("n=%ld threads=%d dt=%g seconds=%.6f cpu_seconds=%.6f rest_maxdiff=%.3g\n", n, omp_get_max_threads(), h, secs,
	       cpu, rd);
	return 0;
}
