package scsh

import (
	"popsh/interp"
)

// crypt is scsh 0.6's (crypt key salt): the traditional Unix password
// hash of crypt(3), the only one scsh's crypt accepts (a two-character
// salt, a key of at most eight characters): DES with a salt-perturbed
// expansion, applied 25 times to a zero block under a key made of the
// password's characters. Go has no crypt(3), so DES is written out here
// from the standard (FIPS 46-3); the tests check the block cipher against
// Go's crypto/des and the hashes against the C library's crypt.
//
// The key is a password: no error message shows it.

// The DES tables, 1-based bit positions counted from the most
// significant bit, as the standard prints them.
var (
	desIP = [64]byte{
		58, 50, 42, 34, 26, 18, 10, 2, 60, 52, 44, 36, 28, 20, 12, 4,
		62, 54, 46, 38, 30, 22, 14, 6, 64, 56, 48, 40, 32, 24, 16, 8,
		57, 49, 41, 33, 25, 17, 9, 1, 59, 51, 43, 35, 27, 19, 11, 3,
		61, 53, 45, 37, 29, 21, 13, 5, 63, 55, 47, 39, 31, 23, 15, 7,
	}
	desP = [32]byte{
		16, 7, 20, 21, 29, 12, 28, 17, 1, 15, 23, 26, 5, 18, 31, 10,
		2, 8, 24, 14, 32, 27, 3, 9, 19, 13, 30, 6, 22, 11, 4, 25,
	}
	desPC1 = [56]byte{
		57, 49, 41, 33, 25, 17, 9, 1, 58, 50, 42, 34, 26, 18,
		10, 2, 59, 51, 43, 35, 27, 19, 11, 3, 60, 52, 44, 36,
		63, 55, 47, 39, 31, 23, 15, 7, 62, 54, 46, 38, 30, 22,
		14, 6, 61, 53, 45, 37, 29, 21, 13, 5, 28, 20, 12, 4,
	}
	desPC2 = [48]byte{
		14, 17, 11, 24, 1, 5, 3, 28, 15, 6, 21, 10,
		23, 19, 12, 4, 26, 8, 16, 7, 27, 20, 13, 2,
		41, 52, 31, 37, 47, 55, 30, 40, 51, 45, 33, 48,
		44, 49, 39, 56, 34, 53, 46, 42, 50, 36, 29, 32,
	}
	desShifts = [16]byte{1, 1, 2, 2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 1}
	// desS are the eight S-boxes, each four rows of sixteen.
	desS = [8][64]byte{
		{14, 4, 13, 1, 2, 15, 11, 8, 3, 10, 6, 12, 5, 9, 0, 7,
			0, 15, 7, 4, 14, 2, 13, 1, 10, 6, 12, 11, 9, 5, 3, 8,
			4, 1, 14, 8, 13, 6, 2, 11, 15, 12, 9, 7, 3, 10, 5, 0,
			15, 12, 8, 2, 4, 9, 1, 7, 5, 11, 3, 14, 10, 0, 6, 13},
		{15, 1, 8, 14, 6, 11, 3, 4, 9, 7, 2, 13, 12, 0, 5, 10,
			3, 13, 4, 7, 15, 2, 8, 14, 12, 0, 1, 10, 6, 9, 11, 5,
			0, 14, 7, 11, 10, 4, 13, 1, 5, 8, 12, 6, 9, 3, 2, 15,
			13, 8, 10, 1, 3, 15, 4, 2, 11, 6, 7, 12, 0, 5, 14, 9},
		{10, 0, 9, 14, 6, 3, 15, 5, 1, 13, 12, 7, 11, 4, 2, 8,
			13, 7, 0, 9, 3, 4, 6, 10, 2, 8, 5, 14, 12, 11, 15, 1,
			13, 6, 4, 9, 8, 15, 3, 0, 11, 1, 2, 12, 5, 10, 14, 7,
			1, 10, 13, 0, 6, 9, 8, 7, 4, 15, 14, 3, 11, 5, 2, 12},
		{7, 13, 14, 3, 0, 6, 9, 10, 1, 2, 8, 5, 11, 12, 4, 15,
			13, 8, 11, 5, 6, 15, 0, 3, 4, 7, 2, 12, 1, 10, 14, 9,
			10, 6, 9, 0, 12, 11, 7, 13, 15, 1, 3, 14, 5, 2, 8, 4,
			3, 15, 0, 6, 10, 1, 13, 8, 9, 4, 5, 11, 12, 7, 2, 14},
		{2, 12, 4, 1, 7, 10, 11, 6, 8, 5, 3, 15, 13, 0, 14, 9,
			14, 11, 2, 12, 4, 7, 13, 1, 5, 0, 15, 10, 3, 9, 8, 6,
			4, 2, 1, 11, 10, 13, 7, 8, 15, 9, 12, 5, 6, 3, 0, 14,
			11, 8, 12, 7, 1, 14, 2, 13, 6, 15, 0, 9, 10, 4, 5, 3},
		{12, 1, 10, 15, 9, 2, 6, 8, 0, 13, 3, 4, 14, 7, 5, 11,
			10, 15, 4, 2, 7, 12, 9, 5, 6, 1, 13, 14, 0, 11, 3, 8,
			9, 14, 15, 5, 2, 8, 12, 3, 7, 0, 4, 10, 1, 13, 11, 6,
			4, 3, 2, 12, 9, 5, 15, 10, 11, 14, 1, 7, 6, 0, 8, 13},
		{4, 11, 2, 14, 15, 0, 8, 13, 3, 12, 9, 7, 5, 10, 6, 1,
			13, 0, 11, 7, 4, 9, 1, 10, 14, 3, 5, 12, 2, 15, 8, 6,
			1, 4, 11, 13, 12, 3, 7, 14, 10, 15, 6, 8, 0, 5, 9, 2,
			6, 11, 13, 8, 1, 4, 10, 7, 9, 5, 0, 15, 14, 2, 3, 12},
		{13, 2, 8, 4, 6, 15, 11, 1, 10, 9, 3, 14, 5, 0, 12, 7,
			1, 15, 13, 8, 10, 3, 7, 4, 12, 5, 6, 11, 0, 14, 9, 2,
			7, 11, 4, 1, 9, 12, 14, 2, 0, 6, 10, 13, 15, 3, 5, 8,
			2, 1, 14, 7, 4, 10, 8, 13, 15, 12, 9, 0, 3, 5, 6, 11},
	}
	// desFP is the inverse of desIP, desE the expansion: each 4-bit
	// group of R with its neighbours' bits on either side.
	desFP, desE = func() (fp [64]byte, e [48]byte) {
		for i, p := range desIP {
			fp[p-1] = byte(i + 1)
		}
		for g := 0; g < 8; g++ {
			for j := 0; j < 6; j++ {
				e[6*g+j] = byte((4*g+j+31)%32 + 1)
			}
		}
		return fp, e
	}()
)

// permute gathers the bits of in (n bits wide) that table names, the
// first the most significant of the result.
func permute(in uint64, n int, table []byte) uint64 {
	var out uint64
	for _, p := range table {
		out = out<<1 | (in>>(n-int(p)))&1
	}
	return out
}

// desKeys are the sixteen 48-bit round keys of a 64-bit key.
func desKeys(key uint64) [16]uint64 {
	cd := permute(key, 64, desPC1[:])
	c, d := uint32(cd>>28), uint32(cd&(1<<28-1))
	var ks [16]uint64
	for i, s := range desShifts {
		c = (c<<s | c>>(28-s)) & (1<<28 - 1)
		d = (d<<s | d>>(28-s)) & (1<<28 - 1)
		ks[i] = permute(uint64(c)<<28|uint64(d), 56, desPC2[:])
	}
	return ks
}

// desEncrypt encrypts a 64-bit block with round keys ks and expansion e.
func desEncrypt(block uint64, ks *[16]uint64, e *[48]byte) uint64 {
	b := permute(block, 64, desIP[:])
	l, r := uint32(b>>32), uint32(b)
	for _, k := range ks {
		x := permute(uint64(r), 32, e[:]) ^ k
		var s uint64
		for i := 0; i < 8; i++ {
			six := (x >> (42 - 6*i)) & 0x3f
			row := (six>>4)&2 | six&1
			col := (six >> 1) & 0xf
			s = s<<4 | uint64(desS[i][row*16+col])
		}
		l, r = r, l^uint32(permute(s, 32, desP[:]))
	}
	return permute(uint64(r)<<32|uint64(l), 64, desFP[:])
}

// cryptAlphabet is crypt(3)'s 64 characters, in value order.
const cryptAlphabet = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// desCrypt hashes key (at most 8 bytes are used, 7 bits of each) with a
// two-character salt from cryptAlphabet.
func desCrypt(key []byte, salt string) string {
	var k uint64
	for i := 0; i < 8; i++ {
		k <<= 8
		if i < len(key) {
			k |= uint64(key[i]<<1) & 0xfe
		}
	}
	ks := desKeys(k)
	e := desE
	for i := 0; i < 2; i++ {
		v := indexByte(cryptAlphabet, salt[i])
		for j := 0; j < 6; j++ {
			if v>>j&1 == 1 {
				e[6*i+j], e[6*i+j+24] = e[6*i+j+24], e[6*i+j]
			}
		}
	}
	var block uint64
	for i := 0; i < 25; i++ {
		block = desEncrypt(block, &ks, &e)
	}
	out := []byte(salt[:2])
	for i := 0; i < 11; i++ {
		shift := 58 - 6*i // the six bits from bit 6i, the last padded with zeros
		var v uint64
		if shift >= 0 {
			v = block >> shift & 0x3f
		} else {
			v = block << -shift & 0x3f
		}
		out = append(out, cryptAlphabet[v])
	}
	return string(out)
}

func indexByte(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}

func (e *scshEnv) installCrypt() {
	e.it.DefineBuiltins("scsh: system", interp.Builtin{Name: "crypt", MinArgs: 2, MaxArgs: 2,
		Doc: "(crypt key salt): the traditional crypt(3) hash (DES) of key (at most 8 characters) with a two-character salt",
		Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
			key, ok := a[0].(*interp.String)
			if !ok {
				return nil, argType(1, "key", "a string", a[0])
			}
			salt, err := str(a[1], 2, "salt")
			if err != nil {
				return nil, err
			}
			if salt.Len() != 2 {
				return nil, scshErr("crypt", "salt must have length 2", a[1])
			}
			for i := 0; i < 2; i++ {
				if c := salt.At(i); c > 127 || indexByte(cryptAlphabet, byte(c)) < 0 {
					return nil, scshErr("crypt", "illegal char in salt", a[1])
				}
			}
			if key.Len() > 8 {
				return nil, scshErr("crypt", "key too long", key.Len())
			}
			k := make([]byte, 0, 8)
			for i := 0; i < key.Len(); i++ {
				c := key.At(i)
				if c == 0 {
					break // the C string ends here
				}
				if c > 255 {
					return nil, scshErr("crypt", "the key holds a character beyond 255")
				}
				k = append(k, byte(c))
			}
			return interp.NewString(desCrypt(k, salt.String())), nil
		}})
}
