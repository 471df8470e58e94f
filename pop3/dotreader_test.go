package pop3

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// refDecode is a slow, obviously-correct decoder: split the wire into
// lines, stop at ".", unstuff, convert line endings. It reports whether
// the terminator was found.
func refDecode(wire []byte, lf bool) (body []byte, complete bool, rest []byte) {
	var out bytes.Buffer
	for len(wire) > 0 {
		i := bytes.IndexByte(wire, '\n')
		if i < 0 {
			return out.Bytes(), false, nil
		}
		line := wire[:i+1]
		wire = wire[i+1:]
		if string(line) == ".\r\n" || string(line) == ".\n" {
			return out.Bytes(), true, wire
		}
		if line[0] == '.' {
			line = line[1:]
		}
		if lf && bytes.HasSuffix(line, []byte("\r\n")) {
			line = append(line[:len(line)-2:len(line)-2], '\n')
		}
		out.Write(line)
	}
	return out.Bytes(), false, nil
}

func decodeAll(t testing.TB, wire []byte, lf bool, bufSize, max int, useWriteTo bool) ([]byte, error, []byte) {
	br := bufio.NewReaderSize(bytes.NewReader(wire), bufSize)
	d := newDotReader(br, lf, max, nil)
	var out bytes.Buffer
	var err error
	if useWriteTo {
		_, err = d.WriteTo(&out)
	} else {
		_, err = io.Copy(&out, struct{ io.Reader }{iotest.OneByteReader(d)})
	}
	rest, _ := io.ReadAll(br)
	return out.Bytes(), err, rest
}

var dotCases = []struct {
	name string
	wire string
	crlf string // expected body in CRLF mode
	lf   string // expected body in LF mode
}{
	{"empty", ".\r\n", "", ""},
	{"simple", "a\r\nb\r\n.\r\n", "a\r\nb\r\n", "a\nb\n"},
	{"stuffed", "..x\r\n..\r\n...\r\n.\r\n", ".x\r\n.\r\n..\r\n", ".x\n.\n..\n"},
	{"dot-not-first", "a.\r\n a\r\n.\r\n", "a.\r\n a\r\n", "a.\n a\n"},
	{"bare-lf", "a\nb\n.\n", "a\nb\n", "a\nb\n"},
	{"cr-inside", "a\rb\r\n\r\r\n.\r\n", "a\rb\r\n\r\r\n", "a\rb\n\r\n"},
	{"utf8", "h\xc3\xa9llo \xe2\x82\xac\r\n.\r\n", "h\xc3\xa9llo \xe2\x82\xac\r\n", "h\xc3\xa9llo \xe2\x82\xac\n"},
	{"dot-space", ". \r\n.\r\n", " \r\n", " \n"},
	{"blank-lines", "\r\n\r\n.\r\n", "\r\n\r\n", "\n\n"},
}

func TestDotReader(t *testing.T) {
	for _, tc := range dotCases {
		for _, lf := range []bool{false, true} {
			want := tc.crlf
			if lf {
				want = tc.lf
			}
			for _, bufSize := range []int{16, 4096} {
				for _, wt := range []bool{false, true} {
					got, err, rest := decodeAll(t, []byte(tc.wire+"NEXT"), lf, bufSize, 1<<20, wt)
					if err != nil || string(got) != want || string(rest) != "NEXT" {
						t.Errorf("%s lf=%v buf=%d writeTo=%v: got %q, %v, rest %q; want %q", tc.name, lf, bufSize, wt, got, err, rest, want)
					}
				}
			}
		}
	}
}

func TestDotReaderLongLines(t *testing.T) {
	// Lines longer than the read buffer, with CR LF falling across chunk
	// boundaries at every offset.
	for _, lf := range []bool{false, true} {
		for n := 14; n < 40; n++ {
			line := strings.Repeat("x", n)
			wire := "." + line + "\r\n" + line + "\r\r\n" + line + "\r\n.\r\n"
			want, complete, _ := refDecode([]byte(wire), lf)
			if !complete {
				t.Fatal("reference decoder failed")
			}
			for _, wt := range []bool{false, true} {
				got, err, _ := decodeAll(t, []byte(wire), lf, 16, 1<<20, wt)
				if err != nil || !bytes.Equal(got, want) {
					t.Errorf("n=%d lf=%v writeTo=%v: got %q, %v; want %q", n, lf, wt, got, err, want)
				}
			}
		}
	}
	// A 20,000-character line within the limit, and beyond it.
	long := strings.Repeat("y", 20000)
	got, err, _ := decodeAll(t, []byte(long+"\r\n.\r\n"), true, 4096, 1<<20, false)
	if err != nil || string(got) != long+"\n" {
		t.Errorf("20000-char line: %d bytes, %v", len(got), err)
	}
	_, err, _ = decodeAll(t, []byte(long+"\r\n.\r\n"), false, 4096, 10000, false)
	if !errors.Is(err, ErrLineTooLong) || !errors.Is(err, ErrProtocol) {
		t.Errorf("over the limit: err = %v, want ErrLineTooLong", err)
	}
}

func TestDotReaderTruncated(t *testing.T) {
	for _, wire := range []string{"", "abc", "abc\r\n", "abc\r\n.", "abc\r\n.\r", "a\r\n..\r\n", ".\r"} {
		for _, wt := range []bool{false, true} {
			got, err, _ := decodeAll(t, []byte(wire), false, 16, 1<<20, wt)
			if !errors.Is(err, ErrTruncated) || !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Errorf("%q writeTo=%v: got %q, err %v; want ErrTruncated", wire, wt, got, err)
			}
		}
	}
}

func TestDotReaderStickyError(t *testing.T) {
	br := bufio.NewReader(strings.NewReader("abc\r\n"))
	d := newDotReader(br, false, 100, nil)
	io.ReadAll(d)
	for i := 0; i < 2; i++ {
		if n, err := d.Read(make([]byte, 10)); n != 0 || !errors.Is(err, ErrTruncated) {
			t.Errorf("Read after truncation = %d, %v", n, err)
		}
	}
	br = bufio.NewReader(strings.NewReader("abc\r\n.\r\n"))
	d = newDotReader(br, false, 100, nil)
	io.ReadAll(d)
	if n, err := d.Read(make([]byte, 10)); n != 0 || err != io.EOF {
		t.Errorf("Read after end = %d, %v", n, err)
	}
}

// refOutcome says how decoding wire with line limit max must end: "ok",
// "long" (a line over max), "trunc", or "long-or-trunc" (an unfinished
// last line over max: either error is right).
func refOutcome(wire []byte, max int) string {
	for len(wire) > 0 {
		i := bytes.IndexByte(wire, '\n')
		if i < 0 {
			if len(wire) > max {
				return "long-or-trunc"
			}
			return "trunc"
		}
		line := wire[:i+1]
		wire = wire[i+1:]
		if string(line) == ".\r\n" || string(line) == ".\n" {
			return "ok"
		}
		if len(line) > max {
			return "long"
		}
	}
	return "trunc"
}

func FuzzDotReaderLimit(f *testing.F) {
	f.Add([]byte("abc\r\n"+strings.Repeat("x", 40)+"\r\n.\r\n"), uint8(3), uint8(10), false)
	f.Add([]byte(strings.Repeat("y\r\n", 20)+".\r\n"), uint8(0), uint8(0), true)
	f.Fuzz(func(t *testing.T, wire []byte, sz, mx uint8, lf bool) {
		bufSize, max := 16+int(sz), 3+int(mx)
		want := refOutcome(wire, max)
		for _, wt := range []bool{false, true} {
			_, err, _ := decodeAll(t, wire, lf, bufSize, max, wt)
			long, trunc := errors.Is(err, ErrLineTooLong), errors.Is(err, ErrTruncated)
			ok := (want == "ok" && err == nil) || (want == "long" && long) || (want == "trunc" && trunc) ||
				(want == "long-or-trunc" && (long || trunc))
			if !ok {
				t.Fatalf("writeTo=%v max=%d: err %v, want %s", wt, max, err, want)
			}
		}
	})
}

func FuzzDotReader(f *testing.F) {
	for _, tc := range dotCases {
		f.Add([]byte(tc.wire), false, uint8(0))
		f.Add([]byte(tc.wire), true, uint8(3))
	}
	f.Add([]byte("abc\r"), true, uint8(1))
	f.Add([]byte(strings.Repeat("z", 40)+"\r\n.\r\n"), true, uint8(2))
	f.Add([]byte("..\r\n.\r\n"), false, uint8(0))
	f.Fuzz(func(t *testing.T, wire []byte, lf bool, sz uint8) {
		bufSize := 16 + int(sz)
		want, complete, wantRest := refDecode(wire, lf)
		for _, wt := range []bool{false, true} {
			got, err, rest := decodeAll(t, wire, lf, bufSize, 1<<20, wt)
			if complete {
				if err != nil || !bytes.Equal(got, want) || !bytes.Equal(rest, wantRest) {
					t.Fatalf("writeTo=%v: got %q, %v, rest %q; want %q, rest %q", wt, got, err, rest, want, wantRest)
				}
			} else if !errors.Is(err, ErrTruncated) {
				t.Fatalf("writeTo=%v: incomplete input gave err %v (body %q)", wt, err, got)
			}
		}
	})
}
