package main

import "testing"

func TestNextGCPercent(t *testing.T) {
	const mb = 1 << 20
	cases := []struct {
		cur              int
		live, goal, min_ int64
		want             int
	}{
		// a small live heap: the goal is pulled up to the minimum
		{800, 2 * mb, 18 * mb, 32 * mb, 1500},
		// already at the minimum: unchanged
		{1500, 2 * mb, 32 * mb, 32 * mb, 1500},
		// a goal above the minimum is lowered, not below gcPercent
		{1500, 2 * mb, 62 * mb, 32 * mb, 750},
		{100, 10 * mb, 30 * mb, 32 * mb, 110},
		// a live heap whose 1.8 times passes the minimum: plain gcPercent
		{1500, 20 * mb, 300 * mb, 32 * mb, gcPercent},
		// a tiny live heap is capped at maxGCPercent
		{800, 1, 9, 32 * mb, maxGCPercent},
		// nothing known yet
		{800, 0, 0, 32 * mb, gcPercent},
	}
	for _, c := range cases {
		if got := nextGCPercent(c.cur, c.live, c.goal, c.min_); got != c.want {
			t.Errorf("nextGCPercent(%d, %d, %d, %d) = %d, want %d", c.cur, c.live, c.goal, c.min_, got, c.want)
		}
	}
}
