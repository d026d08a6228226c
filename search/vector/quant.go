package vector

import "math"

// The index holds each vector as 8-bit codes and one scale (v[i] ≈
// scale·code[i]), a quarter of float32's memory, and a scan reads a
// quarter of the bytes: the scan is bound by memory, and took a third of
// a hybrid search's time on 200,000 float32 vectors. The query is coded
// in 16 bits, so the inner products are exact integer sums and the only
// error is the vectors' rounding, at most half a step (scale/2) per
// component: a cosine moves by about 0.001, less than the gaps that
// order a query's nearest.

const (
	// codeMax is the largest code of a vector component.
	codeMax = 127
	// queryMax is the largest code of a query component: the integer sums
	// of 16-bit by 8-bit products over a few thousand dimensions stay
	// within 32 bits.
	queryMax = 32767
	// maxCodedDim bounds the dimension whose sums fit in 32 bits.
	maxCodedDim = math.MaxInt32 / (queryMax * codeMax)
)

// quantize writes the codes of v to dst and returns the scale that turns
// them back: v[i] ≈ scale·dst[i]. A zero v gives zero codes and scale 0.
func quantize(v []float32, dst []byte) float32 {
	var m float32
	for _, x := range v {
		m = max(m, abs32(x))
	}
	if m == 0 {
		clear(dst)
		return 0
	}
	scale := m / codeMax
	for i, x := range v {
		dst[i] = byte(int8(math.Round(float64(x / scale))))
	}
	return scale
}

// queryCodes codes q in 16 bits and returns the scale that turns them
// back (0 for a zero q).
func queryCodes(q []float32) ([]int16, float32) {
	var m float32
	for _, x := range q {
		m = max(m, abs32(x))
	}
	out := make([]int16, len(q))
	if m == 0 {
		return out, 0
	}
	scale := m / queryMax
	for i, x := range q {
		out[i] = int16(math.Round(float64(x / scale)))
	}
	return out, scale
}

func abs32(x float32) float32 { return math.Float32frombits(math.Float32bits(x) &^ (1 << 31)) }

// codedDotsGo writes to out[p] the inner product of q and the p-th vector
// of codes (vectors of len(q) codes in a row, each a signed byte). It
// serves where no faster kernel does.
func codedDotsGo(q []int16, codes []byte, out []int32) {
	d := len(q)
	for p := range out {
		v := codes[p*d : (p+1)*d]
		var s0, s1 int32
		i := 0
		for ; i+2 <= d; i += 2 {
			s0 += int32(q[i]) * int32(int8(v[i]))
			s1 += int32(q[i+1]) * int32(int8(v[i+1]))
		}
		if i < d {
			s0 += int32(q[i]) * int32(int8(v[i]))
		}
		out[p] = s0 + s1
	}
}

// codedDot is the inner product of q and one vector's codes, by the kernel
// that scans the index, so that a vector scores the same looked up by
// Similarity as found by Search.
func codedDot(q []int16, codes []byte) int32 {
	var out [1]int32
	codedDots(q, codes[:len(q)], out[:])
	return out[0]
}
