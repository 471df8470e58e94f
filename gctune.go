package main

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

// The garbage collector's pace. A Scheme program allocates many small cells
// and keeps few: at a fixed GOGC a live heap of a few megabytes is
// collected every few megabytes allocated, and collection then costs a third
// of the run. After each collection, pace lets the heap grow to at
// least minHeapTarget before the next one, and by gcPercent beyond the live
// heap once that is bigger (big list programs stay under 100 MB).
const (
	gcPercent     = 80
	minHeapTarget = 32 << 20
	maxGCPercent  = 5000
)

// startGCPacer installs the pacing unless the user set GOGC.
func startGCPacer() {
	if os.Getenv("GOGC") != "" {
		return
	}
	minHeap := int64(minHeapTarget)
	p := &gcPacer{minHeap: minHeap, sample: []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/gc/heap/goal:bytes"}}}
	// before the first collection the goal is 4 MB scaled by the percentage
	p.percent = int(minHeap * 100 / (4 << 20))
	debug.SetGCPercent(p.percent)
	p.arm()
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
}

// arm makes pace run after the next collection: the finalizer of an
// unreachable object runs once the collector has found it garbage.
func (p *gcPacer) arm() {
	s := &gcSentinel{p: p}
	runtime.SetFinalizer(s, func(s *gcSentinel) { s.p.pace() })
}

func (p *gcPacer) pace() {
	metrics.Read(p.sample)
	live, goal := int64(p.sample[0].Value.Uint64()), int64(p.sample[1].Value.Uint64())
	percent := nextGCPercent(p.percent, live, goal, p.minHeap)
	// changing the setting stops the world: only when it moves by a fifth
	if percent*5 < p.percent*4 || percent*5 > p.percent*6 {
		p.percent = percent
		debug.SetGCPercent(percent)
	}
	p.arm()
}

// nextGCPercent returns the percentage that makes the next heap goal
// minHeap while the live heap is small, and gcPercent once it is big;
// cur is the percentage that gave the goal just computed by the runtime
// (the goal grows with the percentage beyond the live heap, so scaling
// cur by how far goal is from minHeap lands near it).
func nextGCPercent(cur int, live, goal, minHeap int64) int {
	if live <= 0 || goal <= live || live*(100+gcPercent)/100 >= minHeap {
		return gcPercent
	}
	want := int64(cur) * (minHeap - live) / (goal - live)
	return int(max(min(want, maxGCPercent), gcPercent))
}
