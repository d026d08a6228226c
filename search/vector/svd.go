package vector

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// csr is a sparse matrix in compressed sparse row form: row i holds the
// column indices idx[ptr[i]:ptr[i+1]] (ascending) with values val[…].
type csr struct {
	rows, cols int
	ptr        []int
	idx        []int32
	val        []float32
}

func (a *csr) nnz() int { return len(a.idx) }

// transpose returns aᵀ in CSR form (a counting sort by column), so that
// products with aᵀ are row-parallel like products with a.
func (a *csr) transpose() *csr {
	t := &csr{rows: a.cols, cols: a.rows, ptr: make([]int, a.cols+1), idx: make([]int32, a.nnz()), val: make([]float32, a.nnz())}
	for _, j := range a.idx {
		t.ptr[j+1]++
	}
	for j := range a.cols {
		t.ptr[j+1] += t.ptr[j]
	}
	next := make([]int, a.cols)
	copy(next, t.ptr[:a.cols])
	for i := range a.rows {
		for p := a.ptr[i]; p < a.ptr[i+1]; p++ {
			j := a.idx[p]
			q := next[j]
			t.idx[q] = int32(i)
			t.val[q] = a.val[p]
			next[j]++
		}
	}
	return t
}

// parallelRows runs fn over consecutive row ranges of a whose non-zeros are
// roughly balanced, on up to workers goroutines. Each row belongs to exactly
// one range, so results written per row do not depend on scheduling.
func parallelRows(a *csr, workers int, fn func(lo, hi int)) {
	if workers < 1 {
		workers = 1
	}
	chunks := workers * 8
	if a.rows < chunks || a.nnz() < 1<<14 {
		fn(0, a.rows)
		return
	}
	target := a.nnz()/chunks + 1
	var bounds []int
	bounds = append(bounds, 0)
	for i := 1; i < a.rows; i++ {
		if a.ptr[i]-a.ptr[bounds[len(bounds)-1]] >= target {
			bounds = append(bounds, i)
		}
	}
	bounds = append(bounds, a.rows)
	work := make(chan int, len(bounds))
	for c := range len(bounds) - 1 {
		work <- c
	}
	close(work)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for c := range work {
				fn(bounds[c], bounds[c+1])
			}
		})
	}
	wg.Wait()
}

// mulDense returns a·b for a sparse a (m×n) and a dense b (n×l).
func mulDense(a *csr, b *mat.Dense, workers int) *mat.Dense {
	n, l := b.Dims()
	if n != a.cols {
		panic(fmt.Sprintf("vector: sparse product %d×%d · %d×%d", a.rows, a.cols, n, l))
	}
	out := mat.NewDense(a.rows, l, nil)
	br, or := b.RawMatrix(), out.RawMatrix()
	impl := blas64.Implementation()
	parallelRows(a, workers, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			o := or.Data[i*or.Stride : i*or.Stride+l]
			for p := a.ptr[i]; p < a.ptr[i+1]; p++ {
				j := int(a.idx[p])
				impl.Daxpy(l, float64(a.val[p]), br.Data[j*br.Stride:j*br.Stride+l], 1, o, 1)
			}
		}
	})
	return out
}

// mulTransDense returns aᵀ·y for a sparse a (m×n) and a dense y (m×l)
// without forming aᵀ: each worker owns a range of a's columns (rows of the
// result) and streams through all rows of a and y in order, adding into
// its own rows only. y, the large side, is then read sequentially rather
// than a row per non-zero at random, and each result row sums its terms in
// row order whatever the number of workers.
func mulTransDense(a *csr, y *mat.Dense, workers int) *mat.Dense {
	m, l := y.Dims()
	if m != a.rows {
		panic(fmt.Sprintf("vector: sparse product (%d×%d)ᵀ · %d×%d", a.rows, a.cols, m, l))
	}
	out := mat.NewDense(a.cols, l, nil)
	yr, or := y.RawMatrix(), out.RawMatrix()
	impl := blas64.Implementation()
	// Split the columns so that each range holds about as many non-zeros.
	workers = max(1, min(workers, a.cols))
	if a.nnz() < 1<<14 {
		workers = 1
	}
	colNNZ := make([]int, a.cols)
	for _, j := range a.idx {
		colNNZ[j]++
	}
	bounds := []int32{0}
	acc := 0
	for j, c := range colNNZ {
		acc += c
		if len(bounds) < workers && acc >= len(bounds)*a.nnz()/workers {
			bounds = append(bounds, int32(j+1))
		}
	}
	bounds = append(bounds, int32(a.cols))
	var wg sync.WaitGroup
	for w := range len(bounds) - 1 {
		lo, hi := bounds[w], bounds[w+1]
		wg.Go(func() {
			for i := range a.rows {
				row := a.idx[a.ptr[i]:a.ptr[i+1]]
				p, _ := slices.BinarySearch(row, lo)
				src := yr.Data[i*yr.Stride : i*yr.Stride+l]
				for ; p < len(row) && row[p] < hi; p++ {
					j := int(row[p])
					impl.Daxpy(l, float64(a.val[a.ptr[i]+p]), src, 1, or.Data[j*or.Stride:j*or.Stride+l], 1)
				}
			}
		})
	}
	wg.Wait()
	return out
}

// orthonormalize returns q with orthonormal columns spanning the columns of
// y (m×l), and r with y ≈ q·r. It works from the Gram matrix yᵀy, whose
// eigenvectors rotate y onto orthogonal directions: two tall products
// that parallelise well, where a Householder QR would run on one core.
// Directions whose eigenvalue falls below relTol·λmax are numerically absent
// (a rank-deficient y, as from a corpus smaller than the requested rank) and
// are dropped, so q may have fewer columns than y.
func orthonormalize(y *mat.Dense, workers int) (q, r *mat.Dense, err error) {
	const relTol = 1e-11
	m, l := y.Dims()
	g := gram(y, workers)
	var es mat.EigenSym
	if !es.Factorize(g, true) {
		return nil, nil, fmt.Errorf("eigen decomposition of %d×%d Gram matrix failed", l, l)
	}
	vals := es.Values(nil) // ascending
	var w mat.Dense
	es.VectorsTo(&w)
	top := vals[l-1]
	if !(top > 0) {
		return nil, nil, fmt.Errorf("matrix of %d×%d is zero", m, l)
	}
	var keep []int
	for c := l - 1; c >= 0; c-- {
		if vals[c] > top*relTol {
			keep = append(keep, c)
		}
	}
	rank := len(keep)
	t := mat.NewDense(l, rank, nil) // w_keep · Λ^-½
	r = mat.NewDense(rank, l, nil)  // Λ^½ · w_keepᵀ
	for k, c := range keep {
		s := math.Sqrt(vals[c])
		for i := range l {
			t.Set(i, k, w.At(i, c)/s)
			r.Set(k, i, w.At(i, c)*s)
		}
	}
	return mulTall(y, t, workers), r, nil
}

// gramBlocks is the fixed number of row blocks whose Gram matrices gram
// sums: fixed, so that the sum's rounding, and with it a trained model and
// its ID, does not depend on the number of cores.
const gramBlocks = 8

// gram returns yᵀy, summing the Gram matrices of row blocks computed on
// parallel goroutines.
func gram(y *mat.Dense, workers int) *mat.SymDense {
	m, l := y.Dims()
	blocks := gramBlocks
	if m < gramBlocks*l {
		blocks = 1
	}
	parts := make([]*mat.SymDense, blocks)
	work := make(chan int, blocks)
	for b := range blocks {
		work <- b
	}
	close(work)
	var wg sync.WaitGroup
	for range max(1, min(workers, blocks)) {
		wg.Go(func() {
			for b := range work {
				lo, hi := b*m/blocks, (b+1)*m/blocks
				g := mat.NewSymDense(l, nil)
				if hi > lo {
					g.SymOuterK(1, y.Slice(lo, hi, 0, l).T())
				}
				parts[b] = g
			}
		})
	}
	wg.Wait()
	g := parts[0]
	for _, p := range parts[1:] {
		g.AddSym(g, p)
	}
	return g
}

// mulTall returns y·t for a tall y (m×l) and a small t (l×k), in fixed
// row blocks (see gramBlocks) on parallel goroutines.
func mulTall(y, t *mat.Dense, workers int) *mat.Dense {
	m, l := y.Dims()
	_, k := t.Dims()
	out := mat.NewDense(m, k, nil)
	blocks := gramBlocks
	if m < gramBlocks*l {
		blocks = 1
	}
	work := make(chan int, blocks)
	for b := range blocks {
		work <- b
	}
	close(work)
	var wg sync.WaitGroup
	for range max(1, min(workers, blocks)) {
		wg.Go(func() {
			for b := range work {
				lo, hi := b*m/blocks, (b+1)*m/blocks
				if hi > lo {
					out.Slice(lo, hi, 0, k).(*mat.Dense).Mul(y.Slice(lo, hi, 0, l), t)
				}
			}
		})
	}
	wg.Wait()
	return out
}

// svdResult is a truncated singular value decomposition a ≈ u·diag(s)·vᵀ.
type svdResult struct {
	s []float64
	v *mat.Dense // a.cols × len(s)
	u *mat.Dense // a.rows × len(s), only when asked for
}

// randomizedSVD computes the k largest singular triplets of a sparse a
// (Halko, Martinsson & Tropp 2011, algorithms 4.4 and 5.1): a random test
// matrix of k+oversample columns is pushed through power iterations of
// aᵀa, and the small projected problem is solved exactly. Fewer than k
// triplets come back when a has lower numerical rank. withU also returns
// the left singular vectors.
//
// The power iterations run on the shorter side of a and orthonormalise
// only there; the longer side is orthonormalised once, for the final
// projection. Skipping the intermediate long-side steps squares the
// condition number seen by each short-side step, which float64 absorbs for
// the spectra of term-document matrices, and saves most of the dense work.
func randomizedSVD(ctx context.Context, a *csr, k, oversample, powerIters int, seed uint64, workers int, withU bool) (*svdResult, error) {
	if a.rows == 0 || a.cols == 0 || a.nnz() == 0 {
		return nil, fmt.Errorf("randomized SVD: empty %d×%d matrix", a.rows, a.cols)
	}
	if a.rows >= a.cols {
		return tallSVD(ctx, a, k, oversample, powerIters, seed, workers, withU, true)
	}
	// a = u·s·vᵀ exactly when aᵀ = v·s·uᵀ.
	r, err := tallSVD(ctx, a.transpose(), k, oversample, powerIters, seed, workers, true, withU)
	if err != nil {
		return nil, err
	}
	r.u, r.v = r.v, r.u
	return r, nil
}

// tallSVD is randomizedSVD for a with at least as many rows as columns,
// computing the left (u) and right (v) vectors asked for.
func tallSVD(ctx context.Context, a *csr, k, oversample, powerIters int, seed uint64, workers int, wantU, wantV bool) (*svdResult, error) {
	k = min(k, a.rows, a.cols)
	l := min(k+oversample, a.cols)

	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	z := mat.NewDense(a.cols, l, nil)
	raw := z.RawMatrix().Data
	for i := range raw {
		raw[i] = rng.NormFloat64()
	}
	for it := range powerIters {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		var err error
		if z, _, err = orthonormalize(mulTransDense(a, mulDense(a, z, workers), workers), workers); err != nil {
			return nil, fmt.Errorf("randomized SVD: power iteration %d: %w", it+1, err)
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	q, _, err := orthonormalize(mulDense(a, z, workers), workers)
	if err != nil {
		return nil, fmt.Errorf("randomized SVD: range: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	// bᵀ = aᵀq (n×l') and bᵀ = qb·r, so b = rᵀ·qbᵀ; with the SVD
	// r = ur·diag(s)·vrᵀ this makes a ≈ q·b = (q·vr)·diag(s)·(qb·ur)ᵀ.
	qb, r, err := orthonormalize(mulTransDense(a, q, workers), workers)
	if err != nil {
		return nil, fmt.Errorf("randomized SVD: projection: %w", err)
	}
	var sv mat.SVD
	if !sv.Factorize(r, mat.SVDThin) {
		rr, rc := r.Dims()
		return nil, fmt.Errorf("randomized SVD: SVD of the %d×%d core failed", rr, rc)
	}
	s := sv.Values(nil)
	var ur, vr mat.Dense
	sv.UTo(&ur)
	sv.VTo(&vr)

	// Singular values below a relative floor carry only rounding noise.
	rank := 0
	for rank < len(s) && rank < k && s[rank] > s[0]*1e-7 {
		rank++
	}
	res := &svdResult{s: s[:rank]}
	if wantV {
		rows, _ := ur.Dims()
		res.v = mulTall(qb, ur.Slice(0, rows, 0, rank).(*mat.Dense), workers)
	}
	if wantU {
		rows, _ := vr.Dims()
		res.u = mulTall(q, vr.Slice(0, rows, 0, rank).(*mat.Dense), workers)
	}
	return res, nil
}

// defaultWorkers is how many goroutines the heavy loops use.
func defaultWorkers() int { return runtime.GOMAXPROCS(0) }
