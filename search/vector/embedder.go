package vector

import (
	"context"
	"math"
)

// Embedder turns texts into vectors of one space.
type Embedder interface {
	// ID names the model and its parameters; vectors made by different IDs
	// never mix.
	ID() string
	// Dim is the length of the vectors, or 0 while an embedder that learns
	// it from its first answer has not answered yet.
	Dim() int
	// Embed returns one L2-normalised vector per text, in order. A text
	// the model has nothing to say about (no known term) gets a zero
	// vector, whose cosine with every vector is 0.
	Embed(ctx context.Context, texts []string) ([][]float32, error)
}

// Tokenizer splits a text into the terms a corpus-learned model counts. It
// is called from several goroutines at once and must be safe for that.
type Tokenizer func(text string) []string

// normalize scales v to unit length in place and reports whether it could
// (a zero or non-finite vector cannot be).
func normalize(v []float32) bool {
	var ss float64
	for _, x := range v {
		ss += float64(x) * float64(x)
	}
	if ss == 0 || math.IsInf(ss, 0) || math.IsNaN(ss) {
		return false
	}
	inv := 1 / math.Sqrt(ss)
	for i, x := range v {
		v[i] = float32(float64(x) * inv)
	}
	return true
}
