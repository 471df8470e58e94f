package scsh

import (
	"bytes"
	"crypto/des"
	"encoding/binary"
	"math/rand"
	"strings"
	"testing"
)

// The DES written out for crypt encrypts as Go's crypto/des does (with
// the standard expansion, that is an empty salt).
func TestDESMatchesCryptoDES(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 200; i++ {
		var key, block [8]byte
		rng.Read(key[:])
		rng.Read(block[:])
		c, err := des.NewCipher(key[:])
		if err != nil {
			t.Fatal(err)
		}
		var want [8]byte
		c.Encrypt(want[:], block[:])
		ks := desKeys(binary.BigEndian.Uint64(key[:]))
		e := desE
		got := desEncrypt(binary.BigEndian.Uint64(block[:]), &ks, &e)
		if got != binary.BigEndian.Uint64(want[:]) {
			t.Fatalf("key %x block %x: %x, crypto/des %x", key, block, got, want)
		}
	}
}

// Each row of each S-box is a permutation of 0..15.
func TestDESSBoxRows(t *testing.T) {
	for i, box := range desS {
		for r := 0; r < 4; r++ {
			seen := map[byte]bool{}
			for _, v := range box[r*16 : r*16+16] {
				seen[v] = true
			}
			if len(seen) != 16 {
				t.Errorf("S%d row %d is not a permutation", i+1, r)
			}
		}
	}
}

// Hashes made by the C library's crypt(3) (glibc's, through perl).
func TestCrypt(t *testing.T) {
	runEvalCases(t, []evalCase{
		{`(crypt "password" "ab")`, `"abJnggxhB/yWI"`, ""},
		{`(crypt "test" "./")`, `"./H7.I.sVn7zo"`, ""},
		{`(crypt "" "..")`, `"..X8NBuQ4l6uQ"`, ""},
		{`(crypt "a" "zz")`, `"zzJZ5PtvFqi9o"`, ""},
		{`(crypt "12345678" "Az")`, `"Azc.VARqxkTMU"`, ""},
		{`(crypt "~!@#$%^&" "xy")`, `"xywxIeZ.EFmKw"`, ""},
		{`(crypt "hello wo" "/.")`, `"/.W2oXH8hmpsg"`, ""},
		{`(crypt "longpassword" "9Q")`, "", "key too long"},
		{`(crypt "x" "abc")`, "", "salt must have length 2"},
		{`(crypt "x" "a$")`, "", "illegal char in salt"},
		{`(crypt 'x "ab")`, "", "argument 1 (key): expected a string"},
		{`(crypt (string (integer->char 955)) "ab")`, "", "character beyond 255"},
	})
}

// No error of crypt shows the key.
func TestCryptErrorsHideKey(t *testing.T) {
	var out bytes.Buffer
	it := newScshInterp(t, &out)
	for _, src := range []string{`(crypt "sekritpassword" "ab")`, `(crypt "sekrit" "a")`, `(crypt "sekrit" "!!")`} {
		_, err := evalScsh(t, it, src)
		if err == nil {
			t.Errorf("%s: no error", src)
			continue
		}
		if strings.Contains(err.Error(), "sekrit") {
			t.Errorf("%s: the error shows the key: %v", src, err)
		}
	}
}
