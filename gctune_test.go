package main

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strings"
	"testing"

	"popsh/internal/hugepage"
)

func TestNextGCPercent(t *testing.T) {
	const mb = 1 << 20
	cases := []struct {
		live, scan, roots, min_ int64
		want                    int
	}{
		// a small live heap: the goal is pulled up to the minimum, and the
		// runtime's floor (4 MB times p/100) must not pass it: 32*100/4
		{2 * mb, 2 * mb, 0, 32 * mb, 800},
		// a bigger one: live + live*p/100 = 32 MB
		{10 * mb, 10 * mb, 0, 32 * mb, 220},
		// the roots the runtime counts beside the live heap (1 MB)
		{10 * mb, 10 * mb, 1 * mb, 32 * mb, 200},
		// a live heap of cells whose double passes the minimum: it grows
		// by cellGCPercent, less as the unscanned part grows
		{20 * mb, 20 * mb, 0, 32 * mb, cellGCPercent},
		{200 * mb, 190 * mb, 0, 32 * mb, 190},
		{200 * mb, 150 * mb, 0, 32 * mb, 150},
		// half of it unscanned (strings, boxed numbers): gcPercent
		{200 * mb, 100 * mb, 0, 32 * mb, gcPercent},
		{200 * mb, 10 * mb, 0, 32 * mb, gcPercent},
		// 2 MB of it strings or boxed numbers, fewer than the scannable
		// bytes: the full minimum, as for a heap of cells
		{10 * mb, 8 * mb, 0, 32 * mb, 220},
		// a live heap of big strings (6 MB, 0.5 MB of it scannable): 5 MB
		// more unscanned than scanned bytes, the target 32 - 15 = 17 MB
		{6 * mb, mb / 2, 0, 32 * mb, 183},
		// 10 MB, 1 MB of it scannable: 32 - 24 = 8 MB, below 1.8 times
		// the live heap: gcPercent
		{10 * mb, 1 * mb, 0, 32 * mb, gcPercent},
		// nothing known yet
		{0, 0, 0, 32 * mb, gcPercent},
		// a tiny live heap: capped by the runtime's floor
		{1, 1, 0, 32 * mb, 800},
		// a big minimum: capped at maxGCPercent
		{1 * mb, 1 * mb, 0, 1 << 40, maxGCPercent},
	}
	for _, c := range cases {
		if got := nextGCPercent(c.live, c.scan, c.roots, c.min_); got != c.want {
			t.Errorf("nextGCPercent(%d, %d, %d, %d) = %d, want %d", c.live, c.scan, c.roots, c.min_, got, c.want)
		}
	}
}

func TestWantsRoom(t *testing.T) {
	const mb = 1 << 20
	cases := []struct {
		live, scan int64
		want       bool
	}{
		{2 * mb, 2 * mb, true},        // cells
		{1200 << 10, 600 << 10, true}, // half of it to scan
		{1500 << 10, 560 << 10, true}, // under 1 MB not to scan (a program of bignums)
		{3 * mb, 1 * mb, false},       // 2 MB not to scan
		{6 * mb, mb / 2, false},       // a 5 MB message
		{17 * mb, 17 * mb, false},     // past half of the minimum
		{0, 0, true},                  // nothing yet
	}
	for _, c := range cases {
		if got := wantsRoom(c.live, c.scan, 32*mb); got != c.want {
			t.Errorf("wantsRoom(%d KB, %d KB scannable) = %v, want %v", c.live>>10, c.scan>>10, got, c.want)
		}
	}
}

// The room the heap grows into after the first collection is advised into
// huge pages, over the whole block (where the kernel has them).
func TestMakeHugeRoom(t *testing.T) {
	if b, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled"); err != nil || strings.Contains(string(b), "[never]") {
		t.Skip("no transparent huge pages here")
	}
	const n = minHeapTarget
	lo := makeHugeRoom(n)
	for _, at := range []uintptr{hugepage.Size, n / 2, n - hugepage.Size - 1} {
		addr := (lo + at) &^ (hugepage.Size - 1)
		if ok, err := hugepage.Advised(addr); err != nil || !ok {
			t.Errorf("%d MB into the room: not advised (%v)", at>>20, err)
		}
	}
}

// The pacing keeps the heap near the minimum while a program with a small
// live heap of cells allocates far more than the minimum: the room made
// after the first collection must not be kept as live data (which made
// the next goal eight times 32 MB and let the heap grow in small pages,
// unpaced, to hundreds of MB). It installs the pacing in this test
// process, and stops it at the end.
func TestPacerKeepsHeapNearMinimum(t *testing.T) {
	if os.Getenv("GOGC") != "" {
		t.Skip("GOGC is set: the pacing stays off")
	}
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	debug.SetGCPercent(100)
	runtime.GC()
	defer startGCPacer()()
	type cell struct {
		car, cdr any
	}
	live := make([]*cell, 1<<15) // about 1 MB of cells kept
	heap := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/gc/cycles/total:gc-cycles"}}
	var peak uint64
	for i := range 12 << 20 { // ~400 MB of cells allocated
		c := &cell{car: i}
		live[i&(len(live)-1)] = c
		if i&0xffff == 0 {
			metrics.Read(heap)
			peak = max(peak, heap[0].Value.Uint64())
		}
	}
	metrics.Read(heap)
	// the minimum, and for a moment the room beside it
	if peak > 3*minHeapTarget {
		t.Errorf("the heap grew to %d MB (minimum %d MB)", peak>>20, minHeapTarget>>20)
	}
	if n := heap[1].Value.Uint64(); n < 5 {
		t.Errorf("%d collections over ~400 MB allocated: the heap was not paced", n)
	}
	runtime.KeepAlive(live)
}

// The room is made with no collection running or starting while its
// block is referenced (one that did could keep the block live, and the
// pacing then let the heap grow to several times the minimum).
func TestRoomOutsideCollection(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	sample := []metrics.Sample{{Name: "/gc/cycles/total:gc-cycles"}, {Name: "/gc/heap/live:bytes"}}
	runtime.GC()
	metrics.Read(sample)
	before := sample[0].Value.Uint64()
	// the 32 MB allocation passes the goal of a small heap at once: a
	// collection would start inside it if the collector were on
	roomOutsideCollection(minHeapTarget, 1)
	// turning the collector off waits for a cycle under way to end (this
	// test allocates nothing in between, so none starts after the room)
	if got := debug.SetGCPercent(-1); got != 1 {
		t.Errorf("percentage after the room %d, want 1", got)
	}
	metrics.Read(sample)
	if n := sample[0].Value.Uint64() - before; n != 0 {
		t.Errorf("%d collections ran while the room was made", n)
	}
	if n := sample[1].Value.Uint64(); n >= minHeapTarget/2 {
		t.Errorf("a collection found a live heap of %d MB: it kept the room's block", n>>20)
	}
}

// While the pacing has the collector off, a program allocating at full
// speed on another thread still gets collections once the memory in use
// passes what the pacing meant to add.
func TestCollectorOffBounded(t *testing.T) {
	if os.Getenv("GOMEMLIMIT") != "" {
		t.Skip("GOMEMLIMIT is set")
	}
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	debug.FreeOSMemory() // no free heap kept from earlier tests to grow into
	mem := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	inUse := func() uint64 {
		metrics.Read(mem)
		return mem[0].Value.Uint64()
	}
	start := inUse()
	var peak uint64
	var keep *[128]int
	collectorOff(4<<20, func() {
		for i := range 1 << 18 { // 256 MB allocated, 1 KB at a time, none kept
			keep = new([128]int)
			if i&1023 == 0 {
				peak = max(peak, inUse())
			}
		}
	})
	runtime.KeepAlive(keep)
	if limit := debug.SetMemoryLimit(-1); limit != math.MaxInt64 {
		t.Errorf("the memory limit stayed at %d", limit)
	}
	// The limit is soft: the collection it starts marks while the loop
	// goes on allocating (on a loaded machine 57 MB past the start was
	// seen); with nothing to start one, the loop's 256 MB all stay.
	if grew := int64(peak) - int64(start); grew > 4<<20+minHeapTarget+64<<20 {
		t.Errorf("with the collector off the heap grew by %d MB", grew>>20)
	}
}
