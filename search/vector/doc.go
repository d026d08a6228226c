// Package vector embeds provisions as vectors and finds the nearest ones:
// the dense half of semantic search and of similar-provision ranking.
//
// # Embedders
//
// An Embedder turns texts into unit-length vectors; its ID names the model
// and its parameters, and vectors of different IDs never mix.
//
//   - LSA, the built-in default, learns latent semantic analysis from the
//     indexed corpus itself, with no network and no downloaded model:
//     TF-IDF over the caller's tokens (sublinear term frequency, smoothed
//     IDF, minimum and maximum document frequency), then a truncated SVD by
//     a randomized algorithm with power iterations (sparse products are
//     parallel and hand-written, the small dense decompositions use gonum).
//     New texts are folded in by projecting their TF-IDF vector through the
//     learned term→concept matrix, so queries, newly ingested provisions and
//     training provisions live in one space without retraining; TrainLSA
//     returns the training texts' vectors from the same projection. A model
//     saves to a versioned binary file whose SHA-256 is also its ID, so a
//     retrained or changed model is detected.
//   - OpenAI calls any service speaking the OpenAI embeddings protocol
//     (POST {base}/v1/embeddings), for users who run an embedding model:
//     batching, per-request timeout, retries with backoff on 429, 5xx and
//     network errors, and errors that name the URL.
//
// # Index
//
// Index holds one vector per provision id, coded in 8 bits with one scale
// per vector, in a contiguous slab, and answers top-k cosine queries by
// exact scan of the codes against the query coded in 16 bits, in parallel
// over the cores when it is large, with an optional filter and ties broken
// by id. Save writes it atomically beside the text index with a header
// naming the embedder and a corpus fingerprint; LoadIndex verifies a
// CRC-32C and reports truncated or damaged files as ErrCorrupt, after
// which the caller rebuilds, as it does when the embedder ID or
// fingerprint has changed.
//
// # Exact scan or an ANN index
//
// Measured on the 2-core machine: one core scores 200,000 vectors of 160
// dimensions (the provisions of the 100 MB synthetic corpus) in about
// 1.5 ms from their 8-bit codes, against 8 ms for float32 vectors by an
// AVX2 kernel: the scan is bound by memory, and the codes are a quarter of
// the bytes (32 MB instead of 128). A cosine moves by about 0.001 (see
// quantize), less than the gaps that order a query's nearest. Exact scan
// is therefore fine up to a few hundred thousand provisions; its cost
// grows linearly with the corpus and the dimension. Past a few million
// vectors, or with large external dimensions under concurrent load, an
// approximate index (HNSW, IVF) is needed: it visits a few thousand
// vectors per query instead of all of them, at the price of recall below
// 1, a structure built in O(N log N) and deletions that need tombstones
// or rebuilds. Reading only the leading dimensions first does not serve:
// the LSA vectors spread their weight over all 160 (recall@200 0.45 from
// the first 48 dimensions with 1,000 candidates rescored, 100 MB corpus).
package vector
