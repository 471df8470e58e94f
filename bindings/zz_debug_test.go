package bindings

import (
	"bytes"
	"context"
	"os"
	"testing"

	"popsh/interp"
)

func TestZZDebug(t *testing.T) {
	src := os.Getenv("SNIP")
	if src == "" {
		return
	}
	var out bytes.Buffer
	it := interp.New(interp.WithOutput(&out), interp.WithErrorOutput(&out))
	if err := InstallScsh(it); err != nil {
		t.Fatal(err)
	}
	_, err := it.EvalString(context.Background(), src, "snip")
	it.FlushOutput()
	if err != nil {
		out.WriteString("UNCAUGHT " + FormatCondition(err))
	}
	t.Log("\n" + out.String())
}
