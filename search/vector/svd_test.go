package vector

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// sparseFrom turns a dense matrix into CSR, dropping zeros.
func sparseFrom(d *mat.Dense) *csr {
	r, c := d.Dims()
	a := &csr{rows: r, cols: c, ptr: make([]int, r+1)}
	for i := range r {
		for j := range c {
			if v := d.At(i, j); v != 0 {
				a.idx = append(a.idx, int32(j))
				a.val = append(a.val, float32(v))
			}
		}
		a.ptr[i+1] = len(a.idx)
	}
	return a
}

// denseFrom is the float64 matrix a stores (its float32 values widened), the
// exact input the decomposition works on.
func denseFrom(a *csr) *mat.Dense {
	d := mat.NewDense(a.rows, a.cols, nil)
	for i := range a.rows {
		for p := a.ptr[i]; p < a.ptr[i+1]; p++ {
			d.Set(i, int(a.idx[p]), float64(a.val[p]))
		}
	}
	return d
}

// randomSparse is an m×n matrix with about density of its entries set.
func randomSparse(rng *rand.Rand, m, n int, density float64) *mat.Dense {
	d := mat.NewDense(m, n, nil)
	for i := range m {
		for j := range n {
			if rng.Float64() < density {
				d.Set(i, j, rng.Float64()*2-1)
			}
		}
	}
	return d
}

// lowRank is a sparse-ish m×n matrix of rank r: the product of two sparse
// random factors.
func lowRank(rng *rand.Rand, m, n, r int) *mat.Dense {
	var d mat.Dense
	d.Mul(randomSparse(rng, m, r, 0.5), randomSparse(rng, r, n, 0.5))
	return &d
}

// decaying is an m×n matrix with singular values base^i and random
// singular vectors.
func decaying(rng *rand.Rand, m, n int, base float64) *mat.Dense {
	orth := func(rows, cols int) *mat.Dense {
		var qr mat.QR
		qr.Factorize(randomSparse(rng, rows, cols, 1))
		var q mat.Dense
		qr.QTo(&q)
		return q.Slice(0, rows, 0, cols).(*mat.Dense)
	}
	k := min(m, n)
	u, v := orth(m, k), orth(n, k)
	s := mat.NewDiagDense(k, nil)
	for i := range k {
		s.SetDiag(i, 10*math.Pow(base, float64(i)))
	}
	var us, d mat.Dense
	us.Mul(u, s)
	d.Mul(&us, v.T())
	return &d
}

func TestRandomizedSVDAgainstDense(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	cases := []struct {
		name             string
		a                *mat.Dense
		k, over, iters   int
		wantRank         int
		valTol, vecTol   float64
		checkVectorsUpTo int
	}{
		// A rank-6 matrix is captured exactly once k+oversample ≥ 6.
		{name: "rank 6 exact", a: lowRank(rng, 60, 40, 6), k: 6, over: 6, iters: 0, wantRank: 6, valTol: 1e-9, vecTol: 1e-6, checkVectorsUpTo: 6},
		// Asking for more than the rank returns the rank.
		{name: "rank 6 asked 20", a: lowRank(rng, 60, 40, 6), k: 20, over: 10, iters: 1, wantRank: 6, valTol: 1e-9, vecTol: 1e-6, checkVectorsUpTo: 6},
		// A full-rank matrix with a decaying spectrum: the leading values
		// and vectors are found to high accuracy with power iterations.
		{name: "decaying spectrum", a: decaying(rng, 120, 80, 0.8), k: 8, over: 16, iters: 2, wantRank: 8, valTol: 1e-6, vecTol: 1e-4, checkVectorsUpTo: 8},
		// A sparse random matrix (flat spectrum, the hard case): values
		// within a few per cent.
		{name: "sparse random", a: randomSparse(rng, 150, 100, 0.05), k: 5, over: 20, iters: 3, wantRank: 5, valTol: 0.03, checkVectorsUpTo: 0},
		// More rows than columns and the transpose shape.
		{name: "wide", a: lowRank(rng, 30, 90, 10), k: 10, over: 5, iters: 1, wantRank: 10, valTol: 1e-9, vecTol: 1e-6, checkVectorsUpTo: 10},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := sparseFrom(tc.a)
			ref := denseFrom(a)
			var want mat.SVD
			if !want.Factorize(ref, mat.SVDThin) {
				t.Fatal("dense SVD failed")
			}
			ws := want.Values(nil)
			var wv, wu mat.Dense
			want.VTo(&wv)
			want.UTo(&wu)

			got, err := randomizedSVD(context.Background(), a, tc.k, tc.over, tc.iters, 3, 2, true)
			if err != nil {
				t.Fatal(err)
			}
			if len(got.s) != tc.wantRank {
				t.Fatalf("rank %d, want %d (values %v)", len(got.s), tc.wantRank, got.s)
			}
			for i, s := range got.s {
				if rel := math.Abs(s-ws[i]) / ws[i]; rel > tc.valTol {
					t.Errorf("σ%d = %g, dense %g (relative error %.2g)", i, s, ws[i], rel)
				}
			}
			for i := range tc.checkVectorsUpTo {
				// Singular vectors are defined up to sign.
				cv := math.Abs(mat.Dot(got.v.ColView(i), wv.ColView(i)))
				cu := math.Abs(mat.Dot(got.u.ColView(i), wu.ColView(i)))
				if 1-cv > tc.vecTol || 1-cu > tc.vecTol {
					t.Errorf("vector %d: |cos| right %.8f left %.8f", i, cv, cu)
				}
			}
			// The right vectors are orthonormal.
			var vtv mat.Dense
			vtv.Mul(got.v.T(), got.v)
			if !mat.EqualApprox(&vtv, eye(len(got.s)), 1e-8) {
				t.Errorf("VᵀV is not the identity:\n%v", mat.Formatted(&vtv))
			}
		})
	}
}

func eye(n int) *mat.Dense {
	d := mat.NewDense(n, n, nil)
	for i := range n {
		d.Set(i, i, 1)
	}
	return d
}

func TestOrthonormalize(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	y := randomSparse(rng, 500, 12, 1)
	// Make column 11 a combination of columns 0 and 1: rank 11.
	for i := range 500 {
		y.Set(i, 11, 2*y.At(i, 0)-y.At(i, 1))
	}
	q, r, err := orthonormalize(y, 2)
	if err != nil {
		t.Fatal(err)
	}
	if _, c := q.Dims(); c != 11 {
		t.Fatalf("%d columns, want the rank 11", c)
	}
	var qtq, qr mat.Dense
	qtq.Mul(q.T(), q)
	if !mat.EqualApprox(&qtq, eye(11), 1e-10) {
		t.Error("QᵀQ is not the identity")
	}
	qr.Mul(q, r)
	if !mat.EqualApprox(&qr, y, 1e-9) {
		t.Error("Q·R differs from Y")
	}
}

func TestTranspose(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	d := randomSparse(rng, 17, 23, 0.2)
	a := sparseFrom(d)
	at := a.transpose()
	if !mat.Equal(denseFrom(at), denseFrom(a).T()) {
		t.Fatal("transpose differs")
	}
	// Products with the sparse form equal dense products.
	b := randomSparse(rng, 23, 5, 1)
	var want mat.Dense
	want.Mul(denseFrom(a), b)
	if got := mulDense(a, b, 2); !mat.EqualApprox(got, &want, 1e-12) {
		t.Fatal("sparse product differs from dense")
	}
	// aᵀ·y without forming aᵀ, on one and on several workers, for a
	// matrix large enough to be split.
	big := sparseFrom(randomSparse(rng, 400, 300, 0.2))
	y := randomSparse(rng, 400, 7, 1)
	var wantT mat.Dense
	wantT.Mul(denseFrom(big).T(), y)
	one := mulTransDense(big, y, 1)
	if !mat.EqualApprox(one, &wantT, 1e-12) {
		t.Fatal("transposed sparse product differs from dense")
	}
	if several := mulTransDense(big, y, 3); !mat.Equal(several, one) {
		t.Fatal("transposed sparse product depends on the number of workers")
	}
}
