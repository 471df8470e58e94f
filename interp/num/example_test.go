package num_test

import (
	"fmt"
	"math"

	"popsh/interp/num"
)

func ExampleParse() {
	for _, s := range []string{"42", "#e1.5", "#x-ff", "1/3", "1e3", "-ERR"} {
		v, ok := num.Parse(s, 10)
		fmt.Printf("%s -> %T %v %v\n", s, v, num.Format(v, 10), ok)
	}
	// Output:
	// 42 -> int 42 true
	// #e1.5 -> *big.Rat 3/2 true
	// #x-ff -> int -255 true
	// 1/3 -> *big.Rat 1/3 true
	// 1e3 -> float64 1000.0 true
	// -ERR -> <nil> <nil> false
}

func ExampleFormat() {
	fmt.Println(num.Format(255, 16), num.Format(1.0, 10), num.Format(1e21, 10), num.Format(math.Copysign(0, -1), 10), num.Format(math.NaN(), 10))
	// Output: ff 1.0 1.0e+21 -0.0 +nan.0
}

func ExampleAdd() {
	v, _ := num.Add(9223372036854775807, 1) // overflows an int: becomes a *big.Int
	w, _ := num.Sub(v, 1)                   // fits again: back to an int
	fmt.Printf("%v %T\n", v, w)
	_, err := num.Add(1, "x")
	fmt.Println(err)
	// Output:
	// 9223372036854775808 int
	// expected a number, got x
}

func ExampleMakeRectangular() {
	z, _ := num.MakeRectangular(1, 2)   // exact parts: an exact complex number
	r, _ := num.MakeRectangular(5, 0)   // an exact zero imaginary part: the real 5
	w, _ := num.MakeRectangular(1.0, 2) // an inexact part makes both inexact
	p, _ := num.Mul(z, z)
	s, _ := num.Sqrt(-4)
	fmt.Println(num.Format(z, 10), num.Format(r, 10), num.Format(w, 10), num.Format(p, 10), num.Format(s, 10))
	_, err := num.Compare(z, 1)
	fmt.Println(err)
	// Output:
	// 1+2i 5 1.0+2.0i -3+4i +2i
	// expected a real number, got 1+2i
}
