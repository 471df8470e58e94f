package pop3

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"unsafe"
)

// residentBytes counts the bytes of the whole pages of b that are in memory
// (mincore).
func residentBytes(t *testing.T, b []byte) int {
	t.Helper()
	p := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	start := (p + pageSize - 1) &^ (pageSize - 1)
	end := (p + uintptr(len(b))) &^ (pageSize - 1)
	if end <= start {
		return 0
	}
	vec := make([]byte, (end-start)/pageSize)
	if _, _, e := syscall.Syscall(syscall.SYS_MINCORE, start, end-start, uintptr(unsafe.Pointer(&vec[0]))); e != 0 {
		t.Fatalf("mincore: %v", e)
	}
	n := 0
	for _, v := range vec {
		if v&1 != 0 {
			n += int(pageSize)
		}
	}
	return n
}

// A message far shorter than its listed size leaves most of its buffer
// untouched: memory is backed just ahead of the bytes, never the listed
// size at once. This holds for a buffer in memory the heap takes fresh
// from the system; memory it reuses, Go's allocator clears (which is why
// callers cap the size), so the test runs in a process of its own, whose
// heap has not yet had 256 MiB to reuse.
func TestReadMessageListedTooLargeStaysUnbacked(t *testing.T) {
	if os.Getenv("POP3_TEST_FRESH_HEAP") == "" {
		cmd := exec.Command(os.Args[0], "-test.run=^TestReadMessageListedTooLargeStaysUnbacked$", "-test.count=1", "-test.v")
		cmd.Env = append(os.Environ(), "POP3_TEST_FRESH_HEAP=1")
		if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "--- PASS: TestReadMessageListedTooLargeStaysUnbacked") {
			t.Fatalf("the test in a process of its own: %v\n%s", err, out)
		}
		return
	}
	const listed = 256 << 20
	got, err := ReadMessage(bytes.NewReader([]byte("Subject: x\r\n\r\nhi\r\n")), listed)
	if err != nil || string(got) != "Subject: x\r\n\r\nhi\r\n" {
		t.Fatalf("ReadMessage = %q, %v", got, err)
	}
	if cap(got) < listed {
		t.Fatalf("cap %d: not the listed size", cap(got))
	}
	if n := residentBytes(t, got[:cap(got)]); n > 4<<20 {
		t.Errorf("%d MiB of a %d MiB buffer resident for 18 bytes", n>>20, listed>>20)
	}
}

// anonHugeAt returns the AnonHugePages (bytes) of the mapping that holds p,
// from /proc/self/smaps.
func anonHugeAt(t *testing.T, p uintptr) int {
	t.Helper()
	data, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		t.Fatalf("reading smaps: %v", err)
	}
	in := false
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if lo, hi, ok := strings.Cut(f[0], "-"); ok && !strings.HasSuffix(f[0], ":") {
			a, err1 := strconv.ParseUint(lo, 16, 64)
			b, err2 := strconv.ParseUint(hi, 16, 64)
			in = err1 == nil && err2 == nil && uint64(p) >= a && uint64(p) < b
			continue
		}
		if in && f[0] == "AnonHugePages:" && len(f) >= 2 {
			kb, err := strconv.Atoi(f[1])
			if err != nil {
				t.Fatalf("smaps: %q", line)
			}
			return kb << 10
		}
	}
	t.Fatalf("no mapping with AnonHugePages holds %#x", p)
	return 0
}

// back keeps the contents of the buffer and of the memory around it (a
// huge page may reach past the buffer), and where the system has
// transparent huge pages it backs the buffer with them. The memory is a
// mapping of its own, as the Go heap's (anonymous, private), so that its
// huge pages can be counted.
func TestBackKeepsContentsAndMakesHugePages(t *testing.T) {
	const align = 2 << 20
	m, err := syscall.Mmap(-1, 0, 18<<20, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Munmap(m)
	off := int(-uintptr(unsafe.Pointer(&m[0])) & (align - 1))
	big := m[off : off+16<<20] // 2 MiB-aligned
	for i := range big {
		big[i] = byte(i*7 + i>>12)
	}
	want := bytes.Clone(big)
	lo, hi := 3<<20+4567, 13<<20+123
	buf := big[lo:hi]
	if got := back(buf, len(buf), 0, len(buf)); got < len(buf) {
		t.Fatalf("back(buf, 0, %d) = %d", len(buf), got)
	}
	if !bytes.Equal(big, want) {
		for i := range big {
			if big[i] != want[i] {
				t.Fatalf("byte %d (buffer at %d..%d) changed from %d to %d", i, lo, hi, want[i], big[i])
			}
		}
	}
	h := int(hugePageSize())
	switch {
	case h == 0:
		t.Skip("no transparent huge pages on this system: contents checked, huge pages not")
	case h != align:
		t.Skipf("huge pages of %s: contents checked, huge pages not", mib(h))
	case collapseRefused.Load():
		t.Skip("the kernel refuses MADV_COLLAPSE (before Linux 6.1?): contents checked, huge pages not")
	}
	// The huge pages at least half inside buf: 4..6, 6..8, 8..10, 10..12
	// and 12..14 MiB (not 2..4: buf starts past its middle).
	if got := anonHugeAt(t, uintptr(unsafe.Pointer(&big[0]))); got < 5*h {
		t.Errorf("AnonHugePages of the mapping: %s, want 5 huge pages (%s)", mib(got), mib(5*h))
	}
}

func mib(n int) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

// A huge page that reaches past the buffer into memory not in use (not
// resident) is not made one: back maps only the buffer's own pages, and the
// memory around it stays out of memory.
func TestBackLeavesMemoryAroundUnbacked(t *testing.T) {
	const align = 2 << 20
	m, err := syscall.Mmap(-1, 0, 10<<20, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Munmap(m)
	off := int(-uintptr(unsafe.Pointer(&m[0])) & (align - 1))
	big := m[off : off+8<<20] // 2 MiB-aligned, nothing resident
	// buf holds three quarters of the huge pages 0..2 and 2..4 MiB
	lo, hi := 512<<10, 3<<20+512<<10
	buf := big[lo:hi]
	if got := back(buf, len(buf), 0, len(buf)); got < len(buf) {
		t.Fatalf("back(buf, 0, %d) = %d", len(buf), got)
	}
	if n := residentBytes(t, big[:lo]); n != 0 {
		t.Errorf("%d KiB before the buffer made resident", n>>10)
	}
	if n := residentBytes(t, big[hi:]); n != 0 {
		t.Errorf("%d KiB after the buffer made resident", n>>10)
	}
	for i, c := range big {
		if c != 0 {
			t.Fatalf("byte %d is %d, not 0", i, c)
		}
	}
}

// The huge page at the end of a buffer, mostly past it, is made one when
// the caller says that the memory past the buffer is the next buffer's
// (own), and is left in small pages otherwise; the contents are kept.
func TestBackOwnedMakesTheLastHugePage(t *testing.T) {
	const align = 2 << 20
	if h := int(hugePageSize()); h != align || collapseRefused.Load() {
		t.Skip("no 2 MiB transparent huge pages or no MADV_COLLAPSE here")
	}
	for _, owned := range []bool{false, true} {
		m, err := syscall.Mmap(-1, 0, 10<<20, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
		if err != nil {
			t.Fatal(err)
		}
		off := int(-uintptr(unsafe.Pointer(&m[0])) & (align - 1))
		big := m[off : off+8<<20] // 2 MiB-aligned, nothing resident
		// buf: the huge page 0..2 MiB and a quarter of 2..4 MiB
		buf := big[:2<<20+512<<10]
		own := len(buf)
		if owned {
			own = 4 << 20 // the next buffer holds the rest of 2..4 MiB
		}
		if got := back(buf, own, 0, len(buf)); got < len(buf) {
			t.Fatalf("back(buf, %d, 0, %d) = %d", own, len(buf), got)
		}
		for i := range buf {
			buf[i] = byte(i * 3)
		}
		huge := anonHugeAt(t, uintptr(unsafe.Pointer(&big[0])))
		switch {
		case owned && huge < 2*align:
			t.Errorf("own past the buffer: AnonHugePages %s, want 2 huge pages", mib(huge))
		case !owned && huge != align:
			t.Errorf("nothing owned past the buffer: AnonHugePages %s, want 1 huge page", mib(huge))
		}
		if !owned {
			if n := residentBytes(t, big[len(buf):]); n != 0 {
				t.Errorf("%d KiB after the buffer made resident", n>>10)
			}
		}
		for i := range buf {
			if buf[i] != byte(i*3) {
				t.Fatalf("byte %d changed", i)
			}
		}
		syscall.Munmap(m)
	}
}
