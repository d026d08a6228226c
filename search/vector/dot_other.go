//go:build !amd64 || !cgo

package vector

// dots writes to out[p] the inner product of q and the p-th vector of slab.
func dots(q, slab, out []float32) { dotsGo(q, slab, out) }
