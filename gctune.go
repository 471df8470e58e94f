package main

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
	"unsafe"

	"popsh/internal/hugepage"
)

// The garbage collector's pace. A Scheme program allocates many small cells
// and keeps few: at a fixed GOGC a live heap of a few megabytes is
// collected every few megabytes allocated, and collection then costs a third
// of the run. After each collection, pace lets the heap grow to at
// least minHeapTarget before the next one, and by a percentage of the live
// heap once that is bigger: gcPercent (Go's own default, 100) or up to
// cellGCPercent, see below.
//
// What a collection costs is the part of the live heap it must scan (cells,
// vectors, closures); the bytes of strings and bytevectors are not scanned,
// and the minimum is not there for them: when the live heap holds more
// bytes that need no scanning than bytes that do, each byte of the excess
// lowers the target by three, so a script holding a 5 MB mail message while
// the next one arrives collects at about 17 MB rather than 32, and a heap
// made mostly of big strings grows by gcPercent only. A heap of cells and
// the numbers they hold (boxed flonums and big fixnums need no scanning
// either) keeps the full minimum.
//
// Past the minimum, the heap the collector must scan grows further than
// one of strings: by cellGCPercent of the live heap when all of it is
// cells, sliding down to gcPercent as the unscanned bytes reach half of
// it (growth = gcPercent + (cellGCPercent-gcPercent) * (2*scan-live)/live,
// never below gcPercent). Each collection costs the scanning of the live
// cells, so doubling the room between collections halves that cost for a
// program with a big live heap of cells (nboyer: 11-13 % less CPU, gcbench
// 11-16 %, peak RSS higher by about half of the live heap), while a heap of
// mail messages, cheap to collect, keeps to gcPercent and its memory.
const (
	gcPercent     = 100
	cellGCPercent = 200
	minHeapTarget = 32 << 20
	maxGCPercent  = 5000
)

// startGCPercent is the setting before the first collection, which the
// runtime starts when the heap reaches 4 MB at GOGC=100: a program that
// allocates little never collects, and one that allocates a lot is paced
// from what its first collection finds.
const startGCPercent = 100

// startGCPacer installs the pacing unless the user set GOGC. The
// function it returns stops it (for tests): the pacing then leaves the
// percentage as it is and arms no more.
func startGCPacer() (stop func()) {
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	p := &gcPacer{minHeap: minHeapTarget, percent: startGCPercent, sample: []metrics.Sample{
		{Name: "/gc/heap/live:bytes"}, {Name: "/gc/scan/heap:bytes"},
		{Name: "/gc/scan/stack:bytes"}, {Name: "/gc/scan/globals:bytes"}}}
	debug.SetGCPercent(p.percent)
	p.arm()
	return func() { p.stopped.Store(true) }
}

// gcSentinel is the object whose finalizer paces (big enough not to share
// a tiny allocation block, which might never be finalized).
type gcSentinel struct {
	p *gcPacer
	_ [4]int
}

type gcPacer struct {
	minHeap int64
	percent int
	sample  []metrics.Sample
	roomed  bool // the heap's room has been mapped in huge pages
	stopped atomic.Bool
}

// arm makes pace run after the next collection: the finalizer of an
// unreachable object runs once the collector has found it garbage.
func (p *gcPacer) arm() {
	s := &gcSentinel{p: p}
	runtime.SetFinalizer(s, func(s *gcSentinel) { s.p.pace() })
}

func (p *gcPacer) pace() {
	if p.stopped.Load() {
		return
	}
	metrics.Read(p.sample)
	for _, m := range p.sample {
		if m.Value.Kind() != metrics.KindUint64 {
			return // a runtime without these metrics: leave its own pace
		}
	}
	v := func(i int) int64 { return int64(p.sample[i].Value.Uint64()) }
	if !p.roomed && wantsRoom(v(0), v(1), p.minHeap) {
		// a heap of cells, growing to the minimum: see makeHugeRoom
		p.roomed = true
		percent := nextGCPercent(v(0), v(1), v(2)+v(3), p.minHeap)
		roomOutsideCollection(p.minHeap-v(0), percent)
		p.percent = percent
		p.arm()
		return
	}
	percent := nextGCPercent(v(0), v(1), v(2)+v(3), p.minHeap)
	// changing the setting stops the world: only when it moves by a fifth
	if percent*5 < p.percent*4 || percent*5 > p.percent*6 {
		p.percent = percent
		debug.SetGCPercent(percent)
	}
	p.arm()
}

// roomOutsideCollection makes the huge-page room (makeHugeRoom) with the
// collector off, then sets the percentage: no collection may run while
// the room's block is still referenced, or it would keep the block
// (31 MB of garbage) as live, the pacing would set the next goal from
// that, and the heap would grow to several times the minimum before
// collecting again (deriv: 207 MB and twice the CPU time in one run of
// two). Turning the collector off waits for a running cycle to finish;
// once it is on again, the dead block counts towards the next goal, so
// the next collection comes soon and frees it.
func roomOutsideCollection(n int64, percent int) {
	collectorOff(n, func() { makeHugeRoom(n) })
	debug.SetGCPercent(percent)
}

// collectorOff runs f with the collector off (it is left off: the caller
// sets the next percentage), but never for more than extra bytes and
// minHeapTarget more than the Go memory in use now: a memory limit there
// (or the user's GOMEMLIMIT, if lower) starts a collection all the same.
// The pacing runs in the finalizer goroutine while the program allocates
// on its own thread; on a loaded machine that goroutine can be held off
// the CPU for milliseconds between turning the collector off and on, and
// a Scheme program allocating at full speed meanwhile grew its heap to
// 256 MB with nothing to collect it.
func collectorOff(extra int64, f func()) {
	// the runtime's own count against a limit: what it has mapped less
	// what it has given back to the system
	mem := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	metrics.Read(mem)
	limit := int64(math.MaxInt64)
	if mem[0].Value.Kind() == metrics.KindUint64 && mem[1].Value.Kind() == metrics.KindUint64 {
		limit = int64(mem[0].Value.Uint64()-mem[1].Value.Uint64()) + extra + minHeapTarget
	}
	old := debug.SetMemoryLimit(-1)
	debug.SetMemoryLimit(min(old, limit))
	debug.SetGCPercent(-1)
	f()
	debug.SetMemoryLimit(old)
}

// makeHugeRoom maps n bytes more of heap and advises them into
// transparent huge pages (where the kernel does huge pages only where
// advised, its usual setting), so that the memory the heap grows into up
// to the minimum target is faulted in 2 MiB at a time rather than 4 KiB:
// on a virtual machine the first touch of a 4 KiB page costs ~17 us, and a
// program growing its heap to 32 MB spent ~8,000 faults, 0.1-0.15 s, on
// that alone. It runs once, after a collection that finds a live heap
// made mostly of cells (at least half of it to scan) and well under the
// minimum, so only a program that allocated more than the runtime's first
// 4 MB pays the two system calls. A heap of mail messages (strings, not
// scanned) is left in small pages: it is collected early (see
// nextGCPercent), and a freed message's huge pages would stay resident
// where small ones are returned. The block is garbage at once; the runtime
// reuses its pages (first fit from low addresses) for the spans that
// follow, and a block of fresh memory is not cleared, so nothing is
// touched here.
// It returns where the block was, for tests.
func makeHugeRoom(n int64) uintptr {
	b := make([]byte, n)
	p := unsafe.Pointer(unsafe.SliceData(b))
	hugepage.Advise(p, uintptr(len(b)))
	return uintptr(p)
}

// wantsRoom reports whether a live heap of live bytes, scan of them
// scannable, is one for which makeHugeRoom pays: well under the minimum,
// and made of cells, that is at least half of it to scan or no more than
// 1/32 of the minimum (1 MB) that needs no scanning. A program of numbers
// or short strings has a few hundred KB of them beside its cells when it
// is first collected (its code, constants and the numbers in use); a
// mail message is megabytes.
func wantsRoom(live, scan, minHeap int64) bool {
	return live < minHeap/2 && (2*scan >= live || live-scan <= minHeap/32)
}

// runtimeHeapMinimum is the runtime's smallest heap goal at GOGC=100; it
// scales with the percentage.
const runtimeHeapMinimum = 4 << 20

// nextGCPercent returns the percentage that makes the next heap goal the
// target while the live heap is small, and the growth percentage (between
// gcPercent and cellGCPercent) once that passes it. The target is minHeap less three times the bytes
// of the live heap that need no scanning (live - scan) beyond those that
// do (scan). The runtime's
// goal for a percentage p is live + (live + roots)*p/100 (roots: the
// stacks and globals it scans), but never below runtimeHeapMinimum*p/100,
// so p stays under the value that would make that floor pass the target.
func nextGCPercent(live, scan, roots, minHeap int64) int {
	if live <= 0 {
		return gcPercent
	}
	scan = min(max(scan, 0), live)
	target := minHeap - 3*max(live-2*scan, 0)
	growth := gcPercent + (cellGCPercent-gcPercent)*max(2*scan-live, 0)/live
	if live*(100+growth)/100 >= target {
		return int(growth)
	}
	p := (target - live) * 100 / (live + max(roots, 0))
	p = min(p, target*100/runtimeHeapMinimum, maxGCPercent)
	return int(max(p, growth))
}
