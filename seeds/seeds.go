// Package seeds holds the seed collection of health-policy documents that
// ships with policysearch, so that a fresh installation has something to
// search and tests have real documents to parse.
package seeds

import "embed"

// FS holds the seed documents: one UTF-8 text file per document, named
// NNN_hash.txt, at the root of the file system.
//
//go:embed *.txt
var FS embed.FS
