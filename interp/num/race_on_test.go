//go:build race

package num

// raceEnabled: the race detector is on. sync.Pool then drops what it is
// given at random, so the counts of allocations around pooled work
// spaces mean nothing.
const raceEnabled = true
