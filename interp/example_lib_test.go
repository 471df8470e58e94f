package interp_test

import (
	"fmt"
	"os"

	"popsh/interp"
)

// Printing a value on a port streams its text; WriteString returns it.
func ExampleWriteValue() {
	p := interp.NewOutputPort(os.Stdout, "stdout")
	v := interp.List(interp.NewString("a\"b"), interp.Char(' '), 1.5, interp.Intern("sym"))
	interp.WriteValue(p, v, interp.ModeWrite)
	p.WriteString("\n")
	interp.WriteValue(p, v, interp.ModeDisplay)
	p.WriteString("\n")
	p.Flush()
	fmt.Println(interp.WriteString(interp.Cons(1, 2)))
	// Output:
	// ("a\"b" #\space 1.5 sym)
	// (a"b   1.5 sym)
	// (1 . 2)
}

// Tie orders a terminal's streams: the error port flushes the output port
// before it writes, and LineFlush makes output appear line by line.
func ExamplePort_Tie() {
	out := interp.NewOutputPort(os.Stdout, "stdout")
	errp := interp.NewOutputPort(os.Stdout, "stderr") // stdout here, to show the order
	errp.Tie = out
	errp.LineFlush = true
	out.WriteString("result: ")
	errp.WriteString("warning\n")
	out.WriteString("42\n")
	out.Flush()
	// Output:
	// result: warning
	// 42
}

// OpenFilePort opens files with explicit flags and permissions; failures
// are file errors naming the file.
func ExampleOpenFilePort() {
	_, err := interp.OpenFilePort("/no/such/dir/f", os.O_WRONLY|os.O_CREATE, 0o600, false)
	fmt.Println(err)
	// Output:
	// cannot open file "/no/such/dir/f" for writing: no such file or directory
}
