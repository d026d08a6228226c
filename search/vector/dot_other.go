//go:build !amd64 || !cgo

package vector

// dots writes to out[p] the inner product of q and the p-th vector of slab.
func dots(q, slab, out []float32) { dotsGo(q, slab, out) }

// codedDots writes to out[p] the inner product of q and the p-th vector of
// codes.
func codedDots(q []int16, codes []byte, out []int32) { codedDotsGo(q, codes, out) }
