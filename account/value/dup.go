package value

import (
	"cmp"
	"slices"
)

// duplicateKey reports the first key (in hash order) that occurs twice
// among key(0..n-1). It hashes every key with FNV-1a, sorts the hashes and
// compares the keys of equal hashes: for a million short keys this is
// several times faster than a map, and deterministic.
func duplicateKey(n int, key func(i int) string) (string, bool) {
	type hk struct {
		h uint64
		i int32
	}
	hs := make([]hk, n)
	for i := range hs {
		h := uint64(14695981039346656037)
		s := key(i)
		for j := 0; j < len(s); j++ {
			h ^= uint64(s[j])
			h *= 1099511628211
		}
		hs[i] = hk{h, int32(i)}
	}
	slices.SortFunc(hs, func(a, b hk) int { return cmp.Compare(a.h, b.h) })
	for lo := 0; lo < len(hs); {
		hi := lo + 1
		for hi < len(hs) && hs[hi].h == hs[lo].h {
			hi++
		}
		for a := lo; a < hi; a++ {
			for b := a + 1; b < hi; b++ {
				if key(int(hs[a].i)) == key(int(hs[b].i)) {
					return key(int(hs[a].i)), true
				}
			}
		}
		lo = hi
	}
	return "", false
}
