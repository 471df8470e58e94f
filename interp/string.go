package interp

import (
	"bytes"
	"unicode/utf8"
	"unsafe"
)

// String is a mutable Scheme string. Literal strings from source code are
// Immutable; string-set! and friends refuse them.
//
// A string is narrow while every character it holds is below 256: one byte
// per character, the byte being the character's code (Latin-1), as Guile's
// narrow strings. Storing a wider character (string-set!, string-copy!,
// string-fill!) widens it in place to one rune per character; the String
// itself stays the same object. Both forms index in O(1). Strings made from
// text (NewString, NewStringUTF8) are narrow when their characters allow
// it, so that mail, which is mostly ASCII, takes one byte per character.
//
// The representation is private: use Len, At, Set, String, Runes,
// Substring, Slice and the constructors.
type String struct {
	// b holds character i as b[i] while narrow; when wide, it is the
	// memory of a []rune (see runes), four bytes a character, so that the
	// String stays as small as it was with one []rune field.
	b         []byte
	wide      bool
	Immutable bool
}

// NewString returns a fresh mutable string holding the characters of the
// UTF-8 text s (an invalid byte is U+FFFD, as when converting to []rune).
func NewString(s string) *String {
	if isASCIIString(s) {
		return &String{b: []byte(s)}
	}
	return fromUTF8(s)
}

// NewStringUTF8 returns a fresh mutable string holding the characters of
// the UTF-8 bytes b (an invalid byte is U+FFFD). b is not kept.
func NewStringUTF8(b []byte) *String {
	if isASCII(b) {
		return &String{b: append(make([]byte, 0, len(b)), b...)}
	}
	return fromUTF8Bytes(b)
}

// NewStringOwnUTF8 is NewStringUTF8 taking b over: the string may keep b's
// array (decoded in place when the text is narrow), so the caller must not
// use b afterwards. It saves a copy of a large text such as a message.
func NewStringOwnUTF8(b []byte) *String {
	if isASCII(b) {
		return &String{b: b}
	}
	// In place: a character below 256 never takes more bytes as a narrow
	// character than it did in UTF-8, so the write index stays behind the
	// read index.
	w := 0
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			b[w] = c
			w++
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if r > 0xFF {
			// A wide character: decode the rest into runes.
			rs := make([]rune, 0, w+utf8.RuneCount(b[i:]))
			for _, c := range b[:w] {
				rs = append(rs, rune(c))
			}
			return wideString(appendRunesUTF8(rs, b[i:]))
		}
		b[w] = byte(r)
		w++
		i += n
	}
	return &String{b: b[:w:w]}
}

// NewStringLatin1 returns a fresh mutable string with one character per
// byte of b, the character's code being the byte (ISO 8859-1). b is not
// kept.
func NewStringLatin1(b []byte) *String {
	return &String{b: append(make([]byte, 0, len(b)), b...)}
}

// NewStringRunes returns a fresh mutable string holding rs: narrow when
// every rune is below 256 (rs is then not kept), else rs itself, which the
// caller must not change afterwards.
func NewStringRunes(rs []rune) *String {
	for _, c := range rs {
		if c > 0xFF || c < 0 {
			return wideString(rs)
		}
	}
	b := make([]byte, len(rs))
	for i, c := range rs {
		b[i] = byte(c)
	}
	return &String{b: b}
}

// MakeString returns a fresh mutable string of n characters c.
func MakeString(n int, c rune) *String {
	if c >= 0 && c <= 0xFF {
		b := make([]byte, n)
		if c != 0 {
			for i := range b {
				b[i] = byte(c)
			}
		}
		return &String{b: b}
	}
	rs := make([]rune, n)
	for i := range rs {
		rs[i] = c
	}
	return wideString(rs)
}

// fromUTF8 decodes non-ASCII UTF-8 text, narrow when it can be.
func fromUTF8(s string) *String {
	n := 0
	for _, r := range s {
		if r > 0xFF {
			return wideString([]rune(s))
		}
		n++
	}
	b := make([]byte, 0, n)
	for _, r := range s {
		b = append(b, byte(r))
	}
	return &String{b: b}
}

// fromUTF8Bytes is fromUTF8 for bytes.
func fromUTF8Bytes(s []byte) *String {
	n := 0
	for _, r := range string(s) {
		if r > 0xFF {
			return wideString(appendRunesUTF8(make([]rune, 0, utf8.RuneCount(s)), s))
		}
		n++
	}
	b := make([]byte, 0, n)
	for _, r := range string(s) {
		b = append(b, byte(r))
	}
	return &String{b: b}
}

// appendRunesUTF8 appends the characters of UTF-8 bytes b to rs.
func appendRunesUTF8(rs []rune, b []byte) []rune {
	for len(b) > 0 {
		if b[0] < utf8.RuneSelf {
			rs = append(rs, rune(b[0]))
			b = b[1:]
			continue
		}
		r, n := utf8.DecodeRune(b)
		rs = append(rs, r)
		b = b[n:]
	}
	return rs
}

// isASCII reports whether every byte of b is below 0x80.
func isASCII(b []byte) bool {
	for len(b) >= 8 {
		if (uint64(b[0])|uint64(b[1])<<8|uint64(b[2])<<16|uint64(b[3])<<24|
			uint64(b[4])<<32|uint64(b[5])<<40|uint64(b[6])<<48|uint64(b[7])<<56)&0x8080808080808080 != 0 {
			return false
		}
		b = b[8:]
	}
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func isASCIIString(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// Len returns the number of characters.
func (s *String) Len() int {
	if s.wide {
		return len(s.b) / 4
	}
	return len(s.b)
}

// At returns character i (0 <= i < Len()).
func (s *String) At(i int) rune {
	if s.wide {
		return s.runes()[i]
	}
	return rune(s.b[i])
}

// Set stores c at index i (0 <= i < Len()), widening the string if c is
// 256 or above. It does not check Immutable.
func (s *String) Set(i int, c rune) {
	if s.wide {
		s.runes()[i] = c
		return
	}
	if c >= 0 && c <= 0xFF {
		s.b[i] = byte(c)
		return
	}
	s.widen()
	s.runes()[i] = c
}

// widen turns a narrow string into a wide one.
func (s *String) widen() {
	if s.wide {
		return
	}
	rs := make([]rune, len(s.b))
	for i, c := range s.b {
		rs[i] = rune(c)
	}
	s.setRunes(rs)
}

// IsNarrow reports whether the string is held one byte per character.
func (s *String) IsNarrow() bool { return !s.wide }

// String returns the characters as UTF-8 text.
func (s *String) String() string {
	if s.wide {
		return string(s.runes())
	}
	if isASCII(s.b) {
		return string(s.b)
	}
	return string(appendLatin1UTF8(nil, s.b))
}

// Substring returns characters start to end (exclusive) as UTF-8 text.
func (s *String) Substring(start, end int) string {
	if s.wide {
		return string(s.runes()[start:end])
	}
	b := s.b[start:end]
	if isASCII(b) {
		return string(b)
	}
	return string(appendLatin1UTF8(nil, b))
}

// AppendUTF8 appends characters start to end (exclusive) to dst as UTF-8.
func (s *String) AppendUTF8(dst []byte, start, end int) []byte {
	if s.wide {
		for _, r := range s.runes()[start:end] {
			dst = utf8.AppendRune(dst, r)
		}
		return dst
	}
	return appendLatin1UTF8(dst, s.b[start:end])
}

// appendLatin1UTF8 appends the Latin-1 characters b to dst as UTF-8.
func appendLatin1UTF8(dst []byte, b []byte) []byte {
	for len(b) > 0 {
		// Copy a run of ASCII in one go.
		i := 0
		for i < len(b) && b[i] < utf8.RuneSelf {
			i++
		}
		dst = append(dst, b[:i]...)
		b = b[i:]
		for len(b) > 0 && b[0] >= utf8.RuneSelf {
			dst = append(dst, 0xC0|b[0]>>6, 0x80|b[0]&0x3F)
			b = b[1:]
		}
	}
	return dst
}

// Runes returns a fresh slice of the characters.
func (s *String) Runes() []rune {
	if s.wide {
		return append([]rune(nil), s.runes()...)
	}
	rs := make([]rune, len(s.b))
	for i, c := range s.b {
		rs[i] = rune(c)
	}
	return rs
}

// Slice returns a fresh mutable string of characters start to end
// (exclusive): narrow when they all are below 256.
func (s *String) Slice(start, end int) *String {
	if s.wide {
		return NewStringRunes(append([]rune(nil), s.runes()[start:end]...))
	}
	return &String{b: append([]byte(nil), s.b[start:end]...)} // not cleared first
}

// Append adds the characters of the strings xs to the end of s (which
// grows; Immutable is not checked).
func (s *String) Append(xs ...*String) {
	for _, x := range xs {
		if x.wide && !s.wide {
			s.widen()
		}
		switch {
		case !s.wide:
			s.b = append(s.b, x.b...)
		case x.wide:
			s.setRunes(append(s.runes(), x.runes()...))
		default:
			rs := s.runes()
			for _, c := range x.b {
				rs = append(rs, rune(c))
			}
			s.setRunes(rs)
		}
	}
}

// AppendRune adds c to the end of s (Immutable is not checked).
func (s *String) AppendRune(c rune) {
	if !s.wide {
		if c >= 0 && c <= 0xFF {
			s.b = append(s.b, byte(c))
			return
		}
		s.widen()
	}
	s.setRunes(append(s.runes(), c))
}

// concatStrings returns a fresh string holding the characters of xs, of
// n characters in all.
func concatStrings(xs []Value, n int) *String {
	wide := false
	for _, v := range xs {
		if v.(*String).wide {
			wide = true
			break
		}
	}
	if !wide {
		// bytes.Join does not clear the new array before filling it.
		var small [8][]byte
		parts := small[:0]
		for _, v := range xs {
			parts = append(parts, v.(*String).b)
		}
		return &String{b: bytes.Join(parts, nil)}
	}
	rs := make([]rune, 0, n)
	for _, v := range xs {
		x := v.(*String)
		if x.wide {
			rs = append(rs, x.runes()...)
			continue
		}
		for _, c := range x.b {
			rs = append(rs, rune(c))
		}
	}
	return wideString(rs)
}

// copyInto copies characters start to end of from into s at index at
// (overlapping ranges behave as with copy). The caller checks the ranges.
func (s *String) copyInto(at int, from *String, start, end int) {
	switch {
	case !s.wide && !from.wide:
		copy(s.b[at:], from.b[start:end])
		return
	case !s.wide:
		// Narrow unless a copied character is wide.
		narrow := true
		for _, c := range from.runes()[start:end] {
			if c > 0xFF || c < 0 {
				narrow = false
				break
			}
		}
		if narrow {
			for i, c := range from.runes()[start:end] {
				s.b[at+i] = byte(c)
			}
			return
		}
		if s == from {
			break
		}
		s.widen()
	}
	if from.wide {
		copy(s.runes()[at:], from.runes()[start:end])
		return
	}
	for i, c := range from.b[start:end] {
		s.runes()[at+i] = rune(c)
	}
}

// Equal reports whether s and t hold the same characters.
func (s *String) Equal(t *String) bool {
	if s.wide == t.wide {
		return string(s.b) == string(t.b)
	}
	n := s.Len()
	if n != t.Len() {
		return false
	}
	for i := 0; i < n; i++ {
		if s.At(i) != t.At(i) {
			return false
		}
	}
	return true
}

// Compare compares s and t by character codes: -1, 0 or 1.
func (s *String) Compare(t *String) int {
	if !s.wide && !t.wide {
		switch {
		case string(s.b) < string(t.b):
			return -1
		case string(s.b) > string(t.b):
			return 1
		}
		return 0
	}
	n := min(s.Len(), t.Len())
	for i := 0; i < n; i++ {
		a, b := s.At(i), t.At(i)
		if a != b {
			if a < b {
				return -1
			}
			return 1
		}
	}
	switch {
	case s.Len() < t.Len():
		return -1
	case s.Len() > t.Len():
		return 1
	}
	return 0
}

// immutableString returns an immutable string holding the UTF-8 text s.
func immutableString(s string) *String {
	x := NewString(s)
	x.Immutable = true
	return x
}

// putText appends characters start to end (exclusive) of s to the port's
// buffer as UTF-8.
func (p *Port) putText(s *String, start, end int) {
	if s.wide {
		p.putRunes(s.runes()[start:end])
		return
	}
	b := s.b[start:end]
	for len(b) > 0 {
		i := 0
		for i < len(b) && b[i] < utf8.RuneSelf {
			i++
		}
		p.putBytes(b[:i])
		b = b[i:]
		for len(b) > 0 && b[0] >= utf8.RuneSelf {
			p.putRune(rune(b[0]))
			b = b[1:]
		}
	}
}

// wideString returns a wide string holding rs (kept).
func wideString(rs []rune) *String {
	s := &String{}
	s.setRunes(rs)
	return s
}

// runes returns the characters of a wide string: a view of s.b, with its
// capacity, so that writes and appends through it reach the string's own
// memory (setRunes stores an append's result back).
func (s *String) runes() []rune {
	return unsafe.Slice((*rune)(unsafe.Pointer(unsafe.SliceData(s.b))), cap(s.b)/4)[:len(s.b)/4]
}

// setRunes makes s the wide string rs (kept: the array is the one of rs,
// which is where the alignment of the runes comes from).
func (s *String) setRunes(rs []rune) {
	s.b = unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(rs))), cap(rs)*4)[:len(rs)*4]
	s.wide = true
}
