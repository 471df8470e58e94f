package interp_test

import (
	"strings"
	"testing"

	"popsh/interp"
)

func TestBuiltinTableDocumentsItsRows(t *testing.T) {
	it := interp.New()
	it.DefineBuiltins("test: sums",
		interp.Builtin{Name: "add2", MinArgs: 2, MaxArgs: 2, Doc: "(add2 a b): a plus b",
			Fn: func(_ *interp.Interp, a []interp.Value) (interp.Value, error) {
				var x, y int
				if err := interp.UnpackArgs("add2", a, "a", &x, "b", &y); err != nil {
					return nil, err
				}
				return x + y, nil
			}})
	it.Document("test: words", interp.DocLine{Name: "the-word", Doc: "the-word: a variable"})
	if _, err := it.EvalString(t.Context(), `(define the-word "bird")`, "t"); err != nil {
		t.Fatal(err)
	}
	v, err := it.EvalString(t.Context(), `(add2 40 2)`, "t")
	if err != nil || interp.WriteString(v) != "42" {
		t.Fatalf("(add2 40 2) = %v, %v", v, err)
	}
	_, err = it.EvalString(t.Context(), `(add2 40 "x")`, "t")
	if err == nil || !strings.Contains(err.Error(), `add2: argument 2 (b): expected an exact integer, got "x"`) {
		t.Errorf("type error = %v", err)
	}
	d, ok := it.Doc("add2")
	if !ok || d.Section != "test: sums" || d.Doc != "(add2 a b): a plus b" {
		t.Errorf("Doc(add2) = %+v, %v", d, ok)
	}
	d, ok = it.Doc("the-word")
	if !ok || d.Section != "test: words" {
		t.Errorf("Doc(the-word) = %+v, %v", d, ok)
	}
	if _, ok := it.Doc("no-such-name-at-all"); ok {
		t.Error("an unbound name has documentation")
	}
	found := false
	for _, d := range it.Documented() {
		found = found || d.Name == "add2"
	}
	if !found {
		t.Error("Documented() lacks add2")
	}
	if got := interp.DocSignature("(add2 a b): a plus b"); got != "(add2 a b)" {
		t.Errorf("DocSignature = %q", got)
	}
}
