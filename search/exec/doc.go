// Package exec runs a search's queries over the postings of the index:
// it works out which provisions a query matches, scores only those a
// result needs, and ranks them. What a query means (parsing,
// understanding, the match query the engine builds, facets) is the search
// package's; this package takes the bleve query it built and answers it
// as cheaply as it can, with the same matches and scores bleve would give.
//
// Match sets. The set of provisions a query matches, without scores, is
// what the facet counts of a filtered search need: bleve would find it by
// walking every match through the query's searchers, which costs about
// what scoring them does. Most of a query is terms joined by and, or and
// not, whose matches are the posting bitmaps the index stores, so Sets
// works the set out with bitmap operations; only a phrase needs its
// positions read, and only in the provisions that hold all its terms and
// are not already known to match. Sets.Restrict then rewrites the query
// to meet only the matches a result shows, so that only those are scored
// (Gated).
//
// Decoded postings. A segment's postings iterator moves to a document by
// stepping through every posting before it, because it must keep its
// frequency decoder in step. A search that scores only some matches
// (those passing a filter, or those a conjunction's rarest part leads to)
// still pays for every posting of its common terms. So the postings of
// common terms are read once in full into arrays (document, frequency,
// norm) kept in a PostingsCache, and a term reader over those arrays
// (Decoding) jumps to a document by galloping search. bleve's own
// searchers and scorers run over it unchanged: the frequencies and norms
// are the stored ones, so the scores are too.
//
// Scoring and ranking. Constant and Scaled wrap a clause's scores where
// bleve's boosts fall short. Sets.Score scores a query's matches, once
// worked out, a part at a time: each term's postings are merged with the
// matches as arrays and each compound part adds up its parts' scores, as
// bleve's searchers and scorers would (BM25, the query norm, a
// disjunction's share of parts matched), at a fraction of the cost of
// handing every match from searcher to searcher. Walk drives bleve's
// searcher over every match where Score does not know a part, keeping the
// best window and, for the MatchCache, every score; LoadHits makes the
// window's hits as bleve would; IDs resolves provision ids to the
// document numbers the sets hold.
package exec
