package vector

import "slices"

// IDs returns the ids that have a vector, sorted.
func (ix *Index) IDs() []string {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	out := slices.Clone(ix.ids)
	slices.Sort(out)
	return out
}
