package enricher

import (
	"bytes"
	"cmp"
	"hash/maphash"
	"slices"
	"time"

	"github.com/newsfeed/newsfeed/enricher/fingerprint"
)

// lsh is the locality-sensitive-hashing index both ClusterIndex
// implementations keep in memory: the members recorded within the window,
// and for each band a chain of the members per band value, newest first.
// It is not safe for concurrent use.
//
// It holds one member per article of the window, so its layout is kept
// small and free of pointers (the garbage collector does not scan it):
//
//   - a member is a fixed-size slot in chunks of slots; its signature is
//     kept as the low 16 bits of each value (b-bit MinHash: two different
//     values agree on their low 16 bits with probability 2⁻¹⁶, which moves
//     a Jaccard estimate over 64 values by less than 0.0001);
//   - band b's value is its BandRows 16-bit values in one uint32, and
//     bands[b] maps it to the newest member with that value, whose slot
//     links the next older one;
//   - ids and cluster ids are bytes in one arena, compacted after sweeps;
//     members are found by a hash of their id.
//
// About 240 bytes of slot, 16 band-map entries and 16 bytes of id map per
// member, plus its ids: some 450 bytes in all, where a member with its
// own ClusterDoc, pointers and uint64 band keys took about 900.
type lsh struct {
	window time.Duration
	// maxMembers, when positive, bounds the members: adding one more
	// releases the oldest recorded (order), and evicted counts them.
	maxMembers int
	order      []orderEntry
	evicted    int64
	serial     uint32
	seed       maphash.Seed

	chunks [][]slot // slot i is chunks[i>>chunkBits][i&chunkMask]
	free   []int32  // slots released by sweeps
	live   int

	ids   map[uint64]int32 // maphash of the id → slot
	bands [Bands]map[uint32]int32

	arena []byte // the ids and cluster ids
	dead  int    // arena bytes of released members

	// oldest is the smallest recorded time among the members (a lower
	// bound); sweep skips its walk while nothing can have expired.
	oldest int64
	adds   int
}

// slot is one member.
type slot struct {
	sig      [SignatureSize]uint16
	next     [Bands]int32 // the next older member with the same band value; -1 none
	seen     int64        // when it was recorded, Unix seconds
	time     int64        // the article's time, Unix seconds
	shingles int32
	n        uint8 // signature values held
	used     bool
	serial   uint32 // tells a slot's members apart in order
	id       strRef
	cluster  strRef // empty: the member founded its cluster (cluster = id)
}

// orderEntry is a member in order of addition: its slot and the slot's
// serial then (a released slot may hold another member since).
type orderEntry struct {
	slot   int32
	serial uint32
}

// strRef is a string in the arena.
type strRef struct{ off, n uint32 }

const (
	chunkBits = 10
	chunkMask = 1<<chunkBits - 1

	// Band values are BandRows 16-bit values in a uint32.
	_ uint = 2 - BandRows
)

// newLSH returns an index that keeps members for window and, when
// maxMembers is positive, at most maxMembers of them.
func newLSH(window time.Duration, maxMembers int) *lsh {
	l := &lsh{window: window, maxMembers: max(maxMembers, 0), seed: maphash.MakeSeed(), ids: map[uint64]int32{}}
	for b := range l.bands {
		l.bands[b] = map[uint32]int32{}
	}
	return l
}

func (l *lsh) at(i int32) *slot { return &l.chunks[i>>chunkBits][i&chunkMask] }

func (l *lsh) bytesOf(r strRef) []byte { return l.arena[r.off : r.off+r.n] }

func (l *lsh) store(s string) strRef {
	r := strRef{off: uint32(len(l.arena)), n: uint32(len(s))}
	l.arena = append(l.arena, s...)
	return r
}

// clusterOf returns the cluster id of the member in slot i.
func (l *lsh) clusterOf(s *slot) string {
	if s.cluster.n == 0 {
		return string(l.bytesOf(s.id))
	}
	return string(l.bytesOf(s.cluster))
}

// short16 fills sig with the low 16 bits of the first values of h and
// returns how many it took.
func short16(sig *[SignatureSize]uint16, h fingerprint.MinHash) uint8 {
	n := min(len(h), SignatureSize)
	for i := range n {
		sig[i] = uint16(h[i])
	}
	return uint8(n)
}

// bandKey is band b of a signature: its BandRows values in one word.
func bandKey(sig *[SignatureSize]uint16, b int) uint32 {
	return uint32(sig[b*BandRows])<<16 | uint32(sig[b*BandRows+1])
}

// find returns the slot of the member with the id.
func (l *lsh) find(id string) (int32, bool) {
	i, ok := l.ids[maphash.String(l.seed, id)]
	if !ok || string(l.bytesOf(l.at(i).id)) != id {
		return 0, false
	}
	return i, true
}

// cluster returns the cluster of the member with the id; ok is false when
// there is none.
func (l *lsh) cluster(id string) (c string, ok bool) {
	i, ok := l.find(id)
	if !ok {
		return "", false
	}
	return l.clusterOf(l.at(i)), true
}

// len returns the number of members.
func (l *lsh) len() int { return l.live }

// evictions returns the number of members released to keep within
// maxMembers before their window ended.
func (l *lsh) evictions() int64 { return l.evicted }

// add records d (its Cluster set) as seen at the Unix time seen; a member
// with its id already recorded is left as it is. It sweeps expired
// members now and then.
func (l *lsh) add(d ClusterDoc, seen int64, now time.Time) bool {
	if checkSignature(d) != nil {
		return false
	}
	h := maphash.String(l.seed, d.ID)
	if _, taken := l.ids[h]; taken {
		// The same id (or, once in 2⁶⁴, another with its hash).
		return false
	}
	i := l.alloc()
	s := l.at(i)
	l.serial++
	*s = slot{seen: seen, time: d.Time.Unix(), shingles: int32(min(d.Shingles, 1<<31-1)), used: true, serial: l.serial}
	s.n = short16(&s.sig, d.MinHash)
	s.id = l.store(d.ID)
	if d.Cluster != "" && d.Cluster != d.ID {
		s.cluster = l.store(d.Cluster)
	}
	l.ids[h] = i
	for b := range Bands {
		k := bandKey(&s.sig, b)
		s.next[b] = -1
		if head, ok := l.bands[b][k]; ok {
			s.next[b] = head
		}
		l.bands[b][k] = i
	}
	l.live++
	if l.live == 1 || seen < l.oldest {
		l.oldest = seen
	}
	if l.maxMembers > 0 {
		l.order = append(l.order, orderEntry{slot: i, serial: s.serial})
		for l.live > l.maxMembers {
			l.evictOldest()
		}
	}
	l.adds++
	if l.adds%sweepEvery == 0 {
		l.sweep(now)
	}
	return true
}

// alloc returns a free slot.
func (l *lsh) alloc() int32 {
	if n := len(l.free); n > 0 {
		i := l.free[n-1]
		l.free = l.free[:n-1]
		return i
	}
	last := len(l.chunks) - 1
	if last < 0 || len(l.chunks[last]) == chunkMask+1 {
		l.chunks = append(l.chunks, make([]slot, 0, chunkMask+1))
		last++
	}
	l.chunks[last] = l.chunks[last][:len(l.chunks[last])+1]
	return int32(last<<chunkBits + len(l.chunks[last]) - 1)
}

// evictOldest releases the member added first among those held.
func (l *lsh) evictOldest() {
	for k, e := range l.order {
		if s := l.at(e.slot); s.used && s.serial == e.serial {
			l.release(e.slot, s)
			l.evicted++
			l.order = l.order[k+1:]
			return
		}
	}
	l.order = l.order[:0]
}

// sweepEvery is how many additions pass between sweeps of expired members.
const sweepEvery = 1024

// sweep removes the members recorded more than a window before now.
func (l *lsh) sweep(now time.Time) {
	minSeen := now.Add(-l.window).Unix()
	if l.oldest >= minSeen {
		return
	}
	oldest := now.Unix()
	for c, chunk := range l.chunks {
		for j := range chunk {
			s := &chunk[j]
			if !s.used {
				continue
			}
			if s.seen >= minSeen {
				oldest = min(oldest, s.seen)
				continue
			}
			l.release(int32(c<<chunkBits+j), s)
		}
	}
	l.oldest = oldest
	if l.maxMembers > 0 {
		// Forget the released members' places in the order, into a new
		// array: evictOldest advances the old one's start.
		order := make([]orderEntry, 0, l.live+l.live/4)
		for _, e := range l.order {
			if s := l.at(e.slot); s.used && s.serial == e.serial {
				order = append(order, e)
			}
		}
		l.order = order
	}
}

// release unlinks the member in slot i from the id map and every band
// chain and frees its slot.
func (l *lsh) release(i int32, s *slot) {
	delete(l.ids, maphash.Bytes(l.seed, l.bytesOf(s.id)))
	for b := range Bands {
		k := bandKey(&s.sig, b)
		head := l.bands[b][k]
		if head == i {
			if s.next[b] < 0 {
				delete(l.bands[b], k)
			} else {
				l.bands[b][k] = s.next[b]
			}
			continue
		}
		for p := head; p >= 0; {
			ps := l.at(p)
			if ps.next[b] == i {
				ps.next[b] = s.next[b]
				break
			}
			p = ps.next[b]
		}
	}
	l.dead += int(s.id.n + s.cluster.n)
	*s = slot{}
	l.free = append(l.free, i)
	l.live--
	if l.dead > 64<<10 && l.dead > len(l.arena)/2 {
		l.compact()
	}
}

// compact rewrites the arena with the live members' strings only.
func (l *lsh) compact() {
	arena := make([]byte, 0, len(l.arena)-l.dead)
	move := func(r strRef) strRef {
		if r.n == 0 {
			return r
		}
		n := strRef{off: uint32(len(arena)), n: r.n}
		arena = append(arena, l.bytesOf(r)...)
		return n
	}
	for _, chunk := range l.chunks {
		for j := range chunk {
			if s := &chunk[j]; s.used {
				s.id, s.cluster = move(s.id), move(s.cluster)
			}
		}
	}
	l.arena, l.dead = arena, 0
}

// best returns the most similar member for which same holds among those
// sharing a band value with d, recorded within the window of now and with
// an article time within the window of d's; nil when none. Candidates are
// verified most shared bands first, at most maxVerify of them. Both
// signatures reach same with the 16 bits the index keeps of each value.
// The member returned carries its ids, time and shingle count, not its
// signature.
func (l *lsh) best(d *ClusterDoc, same Similarity, now time.Time) (*ClusterDoc, float64) {
	minSeen := now.Add(-l.window).Unix()
	var q [SignatureSize]uint16
	qn := short16(&q, d.MinHash)
	dt := d.Time.Unix()
	win := int64(l.window / time.Second)
	shared := map[int32]int{}
	for b := range Bands {
		i, ok := l.bands[b][bandKey(&q, b)]
		for n := 0; ok && i >= 0 && n < maxBandRun; n++ {
			s := l.at(i)
			if s.seen >= minSeen && abs(dt-s.time) <= win && string(l.bytesOf(s.id)) != d.ID {
				shared[i]++
			}
			i = s.next[b]
		}
	}
	if len(shared) == 0 {
		return nil, 0
	}
	cands := make([]int32, 0, len(shared))
	for i := range shared {
		cands = append(cands, i)
	}
	slices.SortFunc(cands, func(a, b int32) int {
		if c := cmp.Compare(shared[b], shared[a]); c != 0 {
			return c
		}
		return bytes.Compare(l.bytesOf(l.at(a).id), l.bytesOf(l.at(b).id))
	})
	if len(cands) > maxVerify {
		cands = cands[:maxVerify]
	}
	qd := *d
	qd.MinHash = widen(q[:qn])
	var best *ClusterDoc
	bestScore := 0.0
	for _, i := range cands {
		s := l.at(i)
		cd := ClusterDoc{Time: time.Unix(s.time, 0), Shingles: int(s.shingles), MinHash: widen(s.sig[:s.n])}
		if sc, ok := same(&qd, &cd); ok && (best == nil || sc > bestScore) {
			cd.ID, cd.Cluster, cd.MinHash = string(l.bytesOf(s.id)), l.clusterOf(s), nil
			best, bestScore = &cd, sc
		}
	}
	return best, bestScore
}

// widen returns 16-bit signature values as a MinHash.
func widen(sig []uint16) fingerprint.MinHash {
	h := make(fingerprint.MinHash, len(sig))
	for i, v := range sig {
		h[i] = uint32(v)
	}
	return h
}

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}
