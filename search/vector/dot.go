package vector

// dot is the inner product of two vectors of equal length, computed by
// the kernel that scans the index, so that a vector scores the same looked
// up by Similarity as found by Search.
func dot(a, b []float32) float32 {
	var out [1]float32
	dots(a, b[:len(a)], out[:])
	return out[0]
}

// dotsGo writes to out[p] the inner product of q and the p-th vector of
// slab (vectors of len(q) in a row), unrolled so that the compiler keeps
// four independent sums in registers. It serves where no faster kernel
// does.
func dotsGo(q, slab, out []float32) {
	d := len(q)
	for p := range out {
		v := slab[p*d : (p+1)*d]
		var s0, s1, s2, s3 float32
		i := 0
		for ; i+4 <= d; i += 4 {
			s0 += q[i] * v[i]
			s1 += q[i+1] * v[i+1]
			s2 += q[i+2] * v[i+2]
			s3 += q[i+3] * v[i+3]
		}
		for ; i < d; i++ {
			s0 += q[i] * v[i]
		}
		out[p] = (s0 + s1) + (s2 + s3)
	}
}
