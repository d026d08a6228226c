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
// Index holds one vector per provision id in a contiguous float32 slab and
// answers top-k cosine queries by exact scan, in parallel over the cores
// when it is large, with an optional filter and ties broken by id. Save
// writes it atomically beside the text index with a header naming the
// embedder and a corpus fingerprint; LoadIndex verifies a CRC-32C and
// reports truncated or damaged files as ErrCorrupt, after which the caller
// rebuilds, as it does when the embedder ID or fingerprint has changed.
//
// # Exact scan or an ANN index
//
// Measured on the 2-core machine (README.md has the full figures): a top-10
// query over 160-dimensional vectors scans 10,000 vectors in about
// 0.1 ms, 100,000 in about 1.1 ms and 200,000 (the provisions of the
// 100 MB synthetic corpus) in about 2.2 ms, the inner products computed by
// an AVX2 kernel where the processor has one (three times the Go loop's
// speed). Exact scan is therefore fine up to a few hundred thousand
// provisions, where one query costs less than a text query. It reads
// N×Dim×4 bytes per query, so its cost grows linearly with the corpus and
// the dimension: a 1024-dimensional external model makes 200,000 vectors
// cost about 6× more. Past about a million vectors, or with large external
// dimensions under concurrent load, an approximate index (HNSW) is
// needed: it visits a few thousand vectors per query instead of all of
// them, at the price of recall below 1, a graph several times the vectors'
// size built in O(N log N), and deletions that need tombstones or
// rebuilds. int8 quantisation would read a quarter of the memory, but
// needs a second slab and an exact rescoring of a shortlist: not done
// while the float32 scan costs this little.
package vector
