package interp_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"popsh/interp"
)

// Evaluate a program and get its value back as a Go value.
func ExampleInterp_EvalString() {
	it := interp.New()
	v, err := it.EvalString(context.Background(), `
(define (square x) (* x x))
(list (square 3) "four" 'five)`, "example.scm")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(interp.ToGo(v))
	// Output: [9 four five]
}

// Define a Go procedure with argument checking by UnpackArgs.
func ExampleInterp_DefinePrimitive() {
	it := interp.New()
	it.DefinePrimitive("repeat", 2, 2, func(it *interp.Interp, args []interp.Value) (interp.Value, error) {
		var s string
		var n int
		if err := interp.UnpackArgs("repeat", args, "s", &s, "n", &n); err != nil {
			return nil, err
		}
		out := ""
		for i := 0; i < n; i++ {
			out += s
		}
		return interp.NewString(out), nil
	})
	v, _ := it.EvalString(context.Background(), `(repeat "ab" 3)`, "x")
	fmt.Println(interp.ToGo(v))
	_, err := it.EvalString(context.Background(), `(repeat "ab" "x")`, "x.scm")
	fmt.Println(err)
	// Output:
	// ababab
	// x.scm:1:1: repeat: argument 2 (n): expected an exact integer, got "x"
}

// Point the current output port at any io.Writer.
func ExampleInterp_SetOutput() {
	var buf bytes.Buffer
	it := interp.New()
	it.SetOutput(&buf)
	it.EvalString(context.Background(), `(display "hello") (newline)`, "x")
	fmt.Print(buf.String())
	// Output: hello
}

// Errors carry a position, the failing procedure and a backtrace.
func ExampleErrorObject() {
	it := interp.New()
	_, err := it.EvalString(context.Background(), "(define (f x) (car x))\n(f 5)", "script.scm")
	var eo *interp.ErrorObject
	if errors.As(err, &eo) {
		fmt.Println(eo.Error())
		fmt.Println(eo.Backtrace(0))
	}
	// Output:
	// script.scm:1:15: car: expected a pair, got 5
	//   at f (script.scm:1:15)
}

// Call a Scheme procedure from Go.
func ExampleInterp_Call() {
	it := interp.New()
	it.EvalString(context.Background(), "(define (add a b) (+ a b))", "x")
	add, _ := it.Lookup("add")
	v, err := it.Call(context.Background(), add, 2, 40)
	fmt.Println(v, err)
	// Output: 42 <nil>
}

// Cancel a running evaluation through its context.
func ExampleInterp_EvalString_cancel() {
	it := interp.New()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := it.EvalString(ctx, "(let loop () (loop))", "spin.scm")
	fmt.Println(errors.Is(err, context.DeadlineExceeded))
	// Output: true
}

// Go values travel through Scheme as opaque objects.
func ExampleNewOpaque() {
	it := interp.New()
	conn := interp.NewOpaque("pop3-connection", "mail.example.org", struct{}{})
	it.Define("conn", conn)
	v, _ := it.EvalString(context.Background(), "conn", "x")
	fmt.Println(interp.WriteString(v))
	// Output: #{pop3-connection mail.example.org}
}

// Add a syntactic form written in Go.
func ExampleInterp_DefineMacro() {
	it := interp.New()
	it.DefineMacro("unless-zero", func(form interp.Value) (interp.Value, error) {
		args, _ := interp.ListToSlice(form)
		if len(args) != 3 {
			return nil, fmt.Errorf("expected (unless-zero n expr)")
		}
		return interp.List(interp.Intern("if"),
			interp.List(interp.Intern("="), args[1], 0), false, args[2]), nil
	})
	v, _ := it.EvalString(context.Background(), "(list (unless-zero 0 'a) (unless-zero 1 'b))", "x")
	fmt.Println(interp.WriteString(v))
	// Output: (#f b)
}

// A program's (exit n) ends the evaluation with an *ExitError.
func ExampleExitError() {
	it := interp.New()
	_, err := it.EvalString(context.Background(), "(exit 3)", "x")
	var ee *interp.ExitError
	fmt.Println(errors.As(err, &ee), ee.Code)
	// Output: true 3
}
