package repl

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"popsh/interp"
)

// fakeEditor replays scripted lines; an entry may be an error to return.
type fakeEditor struct {
	lines   []any
	prompts []string
	history []string
}

func (f *fakeEditor) ReadLine(prompt string) (string, error) {
	f.prompts = append(f.prompts, prompt)
	if len(f.lines) == 0 {
		return "", io.EOF
	}
	l := f.lines[0]
	f.lines = f.lines[1:]
	if err, ok := l.(error); ok {
		return "", err
	}
	return l.(string), nil
}

func (f *fakeEditor) AddHistory(e string) error { f.history = append(f.history, e); return nil }
func (f *fakeEditor) Close() error              { return nil }

func runFake(t *testing.T, lines ...any) (out, errOut string, ed *fakeEditor, err error) {
	t.Helper()
	ed = &fakeEditor{lines: lines}
	var o, e bytes.Buffer
	err = Run(context.Background(), Options{Interp: interp.New(), Editor: ed, Out: &o, Err: &e})
	return o.String(), e.String(), ed, err
}

func TestRunPrintsResults(t *testing.T) {
	out, errOut, _, err := runFake(t, "(+ 1 2)", `(values "a" #\b)`, "(if #f #f)", "(values)", "1 2")
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if want := "3\n\"a\"\n#\\b\n1\n2\n"; out != want || errOut != "" {
		t.Errorf("output %q, errors %q; want %q and none", out, errOut, want)
	}
}

func TestRunMultiLineAndHistory(t *testing.T) {
	out, _, ed, err := runFake(t, "(define (f x)", "  (* x", "  10))", "(f 4)")
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if !strings.HasSuffix(out, "40\n") {
		t.Errorf("output %q, want 40 last", out)
	}
	wantPrompts := []string{DefaultPrompt, DefaultContinuePrompt, DefaultContinuePrompt, DefaultPrompt, DefaultPrompt}
	if !reflect.DeepEqual(ed.prompts, wantPrompts) {
		t.Errorf("prompts %q, want %q", ed.prompts, wantPrompts)
	}
	if len(ed.history) != 2 || !strings.Contains(ed.history[0], "10))") {
		t.Errorf("history %q, want the whole definition as one entry, then (f 4)", ed.history)
	}
}

func TestRunErrorsAndInterruptedLine(t *testing.T) {
	out, errOut, _, err := runFake(t, "(car 5)", "(display \"partial", ErrInterrupt, "(display \"after\")", "(+ 1 1")
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if !strings.Contains(errOut, "car") || !strings.Contains(errOut, "stdin#1:1:1") {
		t.Errorf("errors %q, want the car error with its position", errOut)
	}
	if out != "after\n" {
		t.Errorf("output %q, want only \"after\" (Ctrl-C dropped the open string)", out)
	}
	// The unfinished "(+ 1 1" at the end (Ctrl-D) is dropped with a notice.
	if !strings.HasSuffix(errOut, "; unfinished entry discarded (Ctrl-D at an empty prompt leaves)\n") {
		t.Errorf("errors %q, want the notice about the unfinished entry last", errOut)
	}
}

func TestEntriesNumberedInPositions(t *testing.T) {
	// Commands and unfinished entries are not entries; ,time is.
	_, errOut, _, err := runFake(t, "(define (f x) (car x))", ",help", "1", ",time (f 2)", "(list", ErrInterrupt, "(f 3)")
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if !strings.Contains(errOut, "stdin#1:1:15: car: expected a pair, got 2") ||
		!strings.Contains(errOut, "stdin#1:1:15: car: expected a pair, got 3") {
		t.Errorf("errors %q, want both at stdin#1:1:15 (inside f)", errOut)
	}
	_, errOut, _, _ = runFake(t, "1", "2", ",time 3", "(car 4)")
	if !strings.HasPrefix(errOut, "stdin#4:1:1: car") {
		t.Errorf("error %q, want it in entry 4", errOut)
	}
}

func TestCompleteFileNamesInStrings(t *testing.T) {
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "examples"), 0o755)
	os.WriteFile(filepath.Join(dir, "examples", "tour.scm"), nil, 0o644)
	os.WriteFile(filepath.Join(dir, ".hidden"), nil, 0o644)
	t.Chdir(dir)
	complete := Completer(interp.New())
	tests := []struct {
		line, word string
		cands      []string
	}{
		{`(load "exa`, "exa", []string{"examples/"}},
		{`(load "examples/t`, "examples/t", []string{"examples/tour.scm"}},
		{`(load "`, "", []string{"examples/"}},
		{`(load ".hi`, ".hi", []string{".hidden"}},
		{`(display "a\"b" "exa`, "exa", []string{"examples/"}},
		{`(list #\" car-`, "car-", nil}, // not in a string: a Scheme name
		{`(load "x") (string-up`, "string-up", []string{"string-upcase"}},
	}
	for _, tc := range tests {
		word, cands := complete(tc.line, len(tc.line))
		if word != tc.word || !reflect.DeepEqual(cands, tc.cands) {
			t.Errorf("complete(%q) = %q %q, want %q %q", tc.line, word, cands, tc.word, tc.cands)
		}
	}
}

func TestCompleteLoadAndHomeFileNames(t *testing.T) {
	// ,load takes a file name: its argument completes as one, bare or
	// in quotes; ~/ in a file name is the home directory, as load takes
	// it, and the candidates keep the ~/ typed.
	dir, home := t.TempDir(), t.TempDir()
	os.Mkdir(filepath.Join(dir, "examples"), 0o755)
	os.WriteFile(filepath.Join(dir, "examples", "tour.scm"), nil, 0o644)
	os.Mkdir(filepath.Join(home, "lib"), 0o755)
	os.WriteFile(filepath.Join(home, "lib", "mine.scm"), nil, 0o644)
	os.WriteFile(filepath.Join(home, "init.scm"), nil, 0o644)
	t.Chdir(dir)
	t.Setenv("HOME", home)
	complete := Completer(interp.New())
	tests := []struct {
		line, word string
		cands      []string
	}{
		{`,load exa`, "exa", []string{"examples/"}},
		{`,load examples/t`, "examples/t", []string{"examples/tour.scm"}},
		{`  ,load  "examples/`, "examples/", []string{"examples/tour.scm"}},
		{`,load ~/`, "~/", []string{"~/init.scm", "~/lib/"}},
		{`,load ~/lib/m`, "~/lib/m", []string{"~/lib/mine.scm"}},
		{`(load "~/i`, "~/i", []string{"~/init.scm"}},
		{`(load "~`, "~", []string{"~/"}},
		{`,doc car-`, "car-", nil}, // not a file name
	}
	for _, tc := range tests {
		word, cands := complete(tc.line, len(tc.line))
		if word != tc.word || !reflect.DeepEqual(cands, tc.cands) {
			t.Errorf("complete(%q) = %q %q, want %q %q", tc.line, word, cands, tc.word, tc.cands)
		}
	}
}

func TestLoadExpandsHome(t *testing.T) {
	// (load "~/x.scm") and ,load ~/x.scm load the file in the home
	// directory.
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Chdir(t.TempDir())
	os.WriteFile(filepath.Join(home, "x.scm"), []byte("(define from-home 42)\n"), 0o644)
	out, errOut, _, err := runFake(t, `(load "~/x.scm")`, "from-home", ",load ~/x.scm", `,load "~/x.scm"`, "(* 2 from-home)")
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if errOut != "" || !strings.HasSuffix(out, "42\n84\n") {
		t.Errorf("output %q, errors %q; want 42 and 84, no error", out, errOut)
	}
}

func TestHistoryLeavesOutPasswords(t *testing.T) {
	// An entry calling a login procedure holds a password: not kept; nor
	// one typed with a space first (bash's ignorespace).
	_, _, ed, err := runFake(t, "(+ 1 2)", `(pop3-login conn "me" "secret1")`, `(define c (list 1`, `(pop3-login/APOP conn "me" "secret2")))`,
		` (define pw "secret3")`, "(* 2 3)", ` ,time (string-length "secret4")`, ",help")
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if want := []string{"(+ 1 2)\n", "(* 2 3)\n", ",help"}; !reflect.DeepEqual(ed.history, want) {
		t.Errorf("history %q, want %q", ed.history, want)
	}
}

func TestTimeMultiLine(t *testing.T) {
	// ,time of an expression typed over several lines: the continuation
	// prompt until it is whole, then its value and the time it took.
	out, errOut, ed, err := runFake(t, ",time (let loop ((i 0))", "  (if (< i 10)", "      (loop (+ i 1))", "      i))",
		",time (car", "'(1 2", "))", ",time (+ 1", "2 3)) 7")
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if !regexp.MustCompile(`^10\n; \S+ elapsed\n1\n; \S+ elapsed\n$`).MatchString(out) {
		t.Errorf("output %q, want 10 and 1, each with its time", out)
	}
	if !strings.HasPrefix(errOut, "stdin#3:2:5: read: unexpected ')'") {
		t.Errorf("errors %q, want the extra ')' of entry 3", errOut)
	}
	wantPrompts := []string{DefaultPrompt, DefaultContinuePrompt, DefaultContinuePrompt, DefaultContinuePrompt,
		DefaultPrompt, DefaultContinuePrompt, DefaultContinuePrompt, DefaultPrompt, DefaultContinuePrompt, DefaultPrompt}
	if !reflect.DeepEqual(ed.prompts, wantPrompts) {
		t.Errorf("prompts %q, want %q", ed.prompts, wantPrompts)
	}
	if len(ed.history) < 2 || ed.history[1] != ",time (car\n'(1 2\n))\n" {
		t.Errorf("history %q, want each ,time entry whole", ed.history)
	}
}

func TestRunSyntaxErrorGoesOn(t *testing.T) {
	out, errOut, _, err := runFake(t, ")", "(+ 2 3)")
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if errOut == "" || out != "5\n" {
		t.Errorf("output %q errors %q; want a read error then 5", out, errOut)
	}
}

func TestRunDataBeforeReadError(t *testing.T) {
	// What is complete before a read error is evaluated, then the error
	// is reported once; an evaluation error ends the entry first.
	out, errOut, _, err := runFake(t, "(define x 5))", "x",
		`(display "a") (display "b") #<bad> (display "c")`, "(car 1))", `"é日本" ) 1`)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if want := "5\nab\n\"é日本\"\n"; out != want {
		t.Errorf("output %q, want %q", out, want)
	}
	wantErr := []string{
		"stdin#1:1:13: read: unexpected ')'",
		"stdin#3:1:29: read: bad # syntax",
		"stdin#4:1:1: car: expected a pair, got 1",
		"stdin#5:1:7: read: unexpected ')'",
	}
	lines := strings.Split(strings.TrimSuffix(errOut, "\n"), "\n")
	if len(lines) != len(wantErr) {
		t.Fatalf("errors %q, want %d lines", errOut, len(wantErr))
	}
	for i, w := range wantErr {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("error %d = %q, want %q", i+1, lines[i], w)
		}
	}
}

func TestRunExit(t *testing.T) {
	_, _, _, err := runFake(t, "(display 1)", "(exit 7)", "(display 2)")
	var st *ExitStatus
	if !errors.As(err, &st) || st.Code != 7 {
		t.Fatalf("Run = %v, want exit status 7", err)
	}
	_, _, _, err = runFake(t, ",exit 3")
	if !errors.As(err, &st) || st.Code != 3 {
		t.Fatalf(",exit 3: Run = %v, want exit status 3", err)
	}
}

func TestRunCommands(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "l.scm")
	os.WriteFile(f, []byte("(define loaded-value 99)\n"), 0o644)
	out, errOut, _, err := runFake(t, ",help", ",load "+f, "loaded-value", ",time (+ 1 1)", ",bogus", ",load",
		",apropos loaded-val", ",apropos no-such-name-anywhere")
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	for _, want := range []string{",load FILE", "99\n", "2\n; ", "elapsed", "\nloaded-value\n", `; no bound name or doc line contains "no-such-name-anywhere"`} {
		if !strings.Contains(out, want) {
			t.Errorf("output %q lacks %q", out, want)
		}
	}
	if !strings.Contains(errOut, "unknown command ,bogus") || !strings.Contains(errOut, ",load: which file") {
		t.Errorf("errors %q, want the unknown command and the missing file name", errOut)
	}
}

// docInterp is an interpreter with documented and undocumented names of
// its own, for ,doc and ,apropos.
func docInterp(t *testing.T) *interp.Interp {
	t.Helper()
	it := interp.New()
	none := func(*interp.Interp, []interp.Value) (interp.Value, error) { return interp.Unspecified, nil }
	it.DefineBuiltins("test: birds",
		interp.Builtin{Name: "zz-fly", MinArgs: 1, MaxArgs: 2, Fn: none, Doc: "(zz-fly bird [height]): send bird up to height"},
		interp.Builtin{Name: "qq-sing", MinArgs: 0, MaxArgs: 0, Fn: none, Doc: "(qq-sing): a song for ZZ-birds"},
		interp.Builtin{Name: "zz-long", MinArgs: 0, MaxArgs: 0, Fn: none, Doc: "(zz-long): " + strings.Repeat("très long ", 20)},
		interp.Builtin{Name: "%zz-hidden", MinArgs: 0, MaxArgs: 0, Fn: none, Doc: "(%zz-hidden): internal"},
	)
	if _, err := it.EvalString(context.Background(), "(define zz-nest 1) (define zz-plain 2)", "t"); err != nil {
		t.Fatal(err)
	}
	it.Document("test: nests", interp.DocLine{Name: "zz-nest", Doc: "zz-nest: where birds live"})
	return it
}

func runDoc(t *testing.T, it *interp.Interp, long func(string) string, lines ...any) (out, errOut string) {
	t.Helper()
	var o, e bytes.Buffer
	if err := Run(context.Background(), Options{Interp: it, Editor: &fakeEditor{lines: lines}, Out: &o, Err: &e, Doc: long}); err != nil {
		t.Fatalf("Run: %v", err)
	}
	return o.String(), e.String()
}

// ,doc prints the doc line (call, what it does, section), then the long
// entry the Doc option gives.
func TestDocCommand(t *testing.T) {
	long := func(name string) string {
		if name == "zz-fly" || name == "zz-guide-only" {
			return "(zz-fly bird [height])\n  birds fly; the guide says more\n  (Birds, docs/procedures.md)\n"
		}
		return ""
	}
	for _, tc := range []struct{ cmd, want string }{
		{",doc zz-fly", "(zz-fly bird [height])\n  send bird up to height\n  (test: birds)\n\n" +
			"  birds fly; the guide says more\n  (Birds, docs/procedures.md)\n"},
		{",doc zz-nest", "zz-nest\n  where birds live\n  (test: nests)\n"},
		{",describe qq-sing", "(qq-sing)\n  a song for ZZ-birds\n  (test: birds)\n"},
		{",doc zz-plain", "zz-plain: 2 (no documentation)\n"},
		{",doc zz-guide-only", "(zz-fly bird [height])\n  birds fly; the guide says more\n  (Birds, docs/procedures.md)\n"},
		{",doc zz-nothing", "; zz-nothing is not bound and not documented (,apropos zz-nothing lists names containing it)\n"},
	} {
		out, errOut := runDoc(t, docInterp(t), long, tc.cmd)
		if out != tc.want || errOut != "" {
			t.Errorf("%s: output %q, errors %q; want %q", tc.cmd, out, errOut, tc.want)
		}
	}
}

// ,apropos lists the names containing the text, then those whose doc line
// mentions it, one per line with the doc line, aligned; no %-internals.
func TestAproposCommand(t *testing.T) {
	out, errOut := runDoc(t, docInterp(t), nil, ",apropos zz-")
	longLine := []rune(fmt.Sprintf("%-8s  (zz-long): %s", "zz-long", strings.Repeat("très long ", 20)))
	want := "zz-fly    (zz-fly bird [height]): send bird up to height\n" +
		string(longLine[:aproposWidth-3]) + "...\n" +
		"zz-nest   zz-nest: where birds live\n" +
		"zz-plain\n" +
		"; doc lines mentioning \"zz-\":\n" +
		"qq-sing   (qq-sing): a song for ZZ-birds\n"
	if out != want || errOut != "" {
		t.Errorf(",apropos zz-: output\n%s\nerrors %q; want\n%s", out, errOut, want)
	}
	// Found by its doc line only (any case): no header then.
	out, _ = runDoc(t, docInterp(t), nil, ",apropos SONG")
	if out != "qq-sing  (qq-sing): a song for ZZ-birds\n" {
		t.Errorf(",apropos SONG: %q", out)
	}
}

func TestFreshLine(t *testing.T) {
	out, _, _, err := runFake(t, `(display "no newline")`, "(+ 1 1)")
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if out != "no newline\n2\n" {
		t.Errorf("output %q, want the result on a fresh line", out)
	}
}

func TestCompleter(t *testing.T) {
	it := interp.New()
	if _, err := it.EvalString(context.Background(), "(define zz-alpha 1) (define zz-beta 2)", "t"); err != nil {
		t.Fatal(err)
	}
	c := Completer(it)
	word, got := c("(display (zz-", 13)
	if word != "zz-" || !reflect.DeepEqual(got, []string{"zz-alpha", "zz-beta"}) {
		t.Errorf("completion of (zz- = %q %q", word, got)
	}
	if word, got := c("(car", 4); word != "car" || len(got) == 0 || got[0] != "car" {
		t.Errorf("completion of car = %q %q, want car first", word, got)
	}
	if _, got := c("(", 1); got != nil {
		t.Errorf("completion of nothing = %q, want none", got)
	}
	if word, got := c(",lo", 3); word != ",lo" || !reflect.DeepEqual(got, []string{",load"}) {
		t.Errorf("completion of ,lo = %q %q", word, got)
	}
}

func TestBacktrace(t *testing.T) {
	it := interp.New()
	_, err := it.EvalString(context.Background(), "(define (f x) (g x))\n(define (g x) (car x))\n(f 5)\n", "bt.scm")
	var eo *interp.ErrorObject
	if !errors.As(err, &eo) {
		t.Fatalf("err = %v, want an error object", err)
	}
	msg := interp.FormatError(err)
	if !strings.HasPrefix(msg, "bt.scm:2:15: car: ") {
		t.Errorf("FormatError = %q, want the position and who first", msg)
	}
	if strings.Contains(msg, "<anonymous>") || strings.Contains(msg, "top level") {
		t.Errorf("FormatError = %q: the top-level frame should be left out", msg)
	}
	if bt := eo.Backtrace(1); strings.Count(bt, "\n") > 1 {
		t.Errorf("Backtrace(max 1) = %q, want one frame and a count", bt)
	}
}

func TestRunInterruptAndStuck(t *testing.T) {
	it := interp.New()
	release := make(chan struct{})
	started := make(chan struct{}, 1)
	// A primitive that ignores cancellation, like a system call that
	// cannot be interrupted.
	it.DefinePrimitive("block-until-released", 0, 0, func(*interp.Interp, []interp.Value) (interp.Value, error) {
		started <- struct{}{}
		<-release
		return interp.Unspecified, nil
	})
	ints := make(chan os.Signal, 4)
	stuck := make(chan struct{})
	ed := &fakeEditor{lines: []any{"(let loop () (loop))", "(block-until-released)", "(+ 1 2)"}}
	var o, e bytes.Buffer
	go func() {
		// Ctrl-C during the busy loop, then three times during the block.
	loop:
		for {
			select {
			case ints <- os.Interrupt:
			default:
			}
			select {
			case <-started:
				break loop
			case <-time.After(50 * time.Millisecond):
			}
		}
		for i := 0; i < 3; i++ {
			ints <- os.Interrupt
			time.Sleep(20 * time.Millisecond)
		}
	}()
	done := make(chan error, 1)
	go func() {
		done <- Run(context.Background(), Options{Interp: it, Editor: ed, Out: &o, Err: &e, Interrupts: ints,
			Stuck: func() { close(stuck); close(release) }})
	}()
	select {
	case <-stuck:
	case <-time.After(10 * time.Second):
		t.Fatal("Stuck was not called after three Ctrl-C")
	}
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	if !strings.Contains(e.String(), "interrupted") || !strings.Contains(e.String(), "once more") {
		t.Errorf("errors %q, want the loop interrupted and the warning", e.String())
	}
	if !strings.HasSuffix(o.String(), "3\n") {
		t.Errorf("output %q, want the session to go on (3)", o.String())
	}
}

func TestPositionsOfSeveralData(t *testing.T) {
	// Each datum of an input keeps its own position, across lines,
	// tabs and non-ASCII characters.
	tests := []struct {
		lines []any
		want  string
	}{
		{[]any{"1 (car 5)"}, "stdin#1:1:3: car"},
		{[]any{`"é→" (car 5)`}, "stdin#1:1:6: car"},
		{[]any{"(define x\t1)\t(car x)"}, "stdin#1:1:14: car"},
		{[]any{"(list 1", "  2) (car", " 7)"}, "stdin#1:2:6: car"},
	}
	for _, tc := range tests {
		_, errOut, _, err := runFake(t, tc.lines...)
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
		if !strings.HasPrefix(errOut, tc.want) {
			t.Errorf("input %q: error %q, want it to start with %q", tc.lines, errOut, tc.want)
		}
	}
}

// ExampleRun runs a session over scripted lines (a LineEditor of the
// test's own); on a terminal, NewTerminalEditor supplies the lines.
func ExampleRun() {
	ed := &fakeEditor{lines: []any{
		"(define (sq x)", "  (* x x))", // one definition over two lines
		"(sq 12)",
		`(values "a" 'b)`,
		"(car '())",
	}}
	err := Run(context.Background(), Options{Interp: interp.New(), Editor: ed, Out: os.Stdout, Err: os.Stdout})
	fmt.Println("session ended:", err)
	// Output:
	// 144
	// "a"
	// b
	// stdin#4:1:1: car: expected a pair, got ()
	// session ended: <nil>
}

func TestDocFoldedToTerminalWidth(t *testing.T) {
	// The banner, ,help, ,doc and ,apropos on a terminal of 40 columns:
	// no line wider, lines broken between words (the terminal broke them
	// mid-word), the text otherwise the same.
	long := "first words then a `very-long-name-that-goes-on` and more words, " + strings.Repeat("日本語 ", 12) + "end"
	ed := &fakeEditor{lines: []any{",doc car", ",apropos list-t", ",help"}}
	var o, e bytes.Buffer
	err := Run(context.Background(), Options{Interp: interp.New(), Editor: ed, Out: &o, Err: &e,
		Width:  func() int { return 40 },
		Banner: "popsh 0.1.0: Scheme with POP3. ,help for help; Ctrl-D to leave.",
		Doc: func(name string) string {
			if name == "car" {
				return long + "\n  indented " + strings.Repeat("x", 50) + "\n"
			}
			return ""
		}})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	out := o.String()
	for _, l := range strings.Split(out, "\n") {
		w := 0
		for _, r := range l {
			w += runeWidth(r)
		}
		if w > 40 {
			t.Errorf("line of %d columns: %q", w, l)
		}
	}
	if !strings.Contains(out, "\n`very-long-name-that-goes-on` and more\n") && !strings.Contains(out, " `very-long-name-that-goes-on`\n") {
		t.Errorf("the long name was broken:\n%s", out)
	}
	if !strings.Contains(strings.Join(strings.Fields(out), " "), strings.Join(strings.Fields(long), " ")) {
		t.Errorf("the text changed in folding:\n%s", out)
	}
	if !strings.Contains(out, "\n  indented\n  xxxx") {
		t.Errorf("a folded indented line does not keep its indentation:\n%s", out)
	}
}

func TestFold(t *testing.T) {
	for _, c := range []struct {
		in    string
		width int
		want  string
	}{
		{"short line\n", 20, "short line\n"},
		{"one two three four\n", 9, "one two\nthree\nfour\n"},
		{"  ab cd ef\n", 7, "  ab cd\n  ef\n"},
		{"abcdefghij", 4, "abcd\nefgh\nij"},
		{"日本語日本語", 5, "日本\n語日\n本語"},
		{"as it is", 0, "as it is"},
		// a row of a table: the rest under its second column
		{"  ,doc NAME   what it takes and does\n", 30, "  ,doc NAME   what it takes\n              and does\n"},
	} {
		if got := fold(c.in, c.width); got != c.want {
			t.Errorf("fold(%q, %d) = %q, want %q", c.in, c.width, got, c.want)
		}
	}
}
