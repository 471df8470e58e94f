package examples_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"popsh/bindings"
	"popsh/examples"
	"popsh/internal/demo"
	"popsh/interp"
)

// expectations: for each example, patterns its output must match, in
// order. Every example runs against the demo server (demo.Start),
// as `popsh --demo` runs the tour.
var expectations = map[string][]string{
	"tour.scm": {
		`=> #\{pop3-connection 127\.0\.0\.1\}`,
		`\n   \("UIDL"\)\n`,
		`=> " .*"\n`, // the login status, with the seed's leading space
		`=> 5 messages, \d+ octets`,
		`=> \(\(1 \. \d+\) \(2 \. \d+\) \(3 \. \d+\) \(4 \. \d+\) \(5 \. \d+\)\)`,
		`=> \(\(1 \. "[^"]+"\) \(2 \. "[^"]+"\) \(3 \. "[^"]+"\) \(4 \. "[^"]+"\) \(5 \. "[^"]+"\)\)`,
		`Subject: Welcome to popsh\n`,
		`Subject: Lines that start with a dot\n(.*\n){7}\.signature\n\.\.\.and so on\n\.\n\.\.\n\n;;`,
		`=> a string of \d+ characters; its 9th line:\n   popsh is a Scheme shell with a POP3 engine inside`,
		`=> 4\n`,
		`   1: Welcome to popsh\n   2: The ten procedures of the scsh library\n   3: Beyond pop3.scm: TLS, UIDL, TOP and pipelining\n   4: Lines that start with a dot\n   5: Where to go next\n`,
		`now 4 messages`,
		`and 5 again`,
		`=> caught: .+\n   command: RETR 99, response code: #f`,
		`=> error: not in transaction state`,
	},
	"apop.scm": {
		`greeting: .*<.+@popsh\.demo>`,
		`APOP login:  .*`,
		`5 messages waiting`,
	},
	"errors-with-handler.scm": {
		`the server said: .+\n`,
		`result: skipped`,
		`message 1: \d+ characters\nmessage 2: \d+ characters\nmessage 3: \d+ characters\n`,
		`\(stopped-at "RETR 17"\)`,
		`refused: not in transaction state`,
	},
	"errors-guard.scm": {
		`login refused: Authentication failed\.`,
		`error\? #t, error-object\? #t`,
		`response code: "AUTH"`,
		`command: "APOP demo \*\*\*\*"`,
		`no message 99`,
		`\d+ characters in message 1`,
		`refused: pop3-get: argument 2 \(msgid\): expected a message number \(a positive exact integer\), got 0`,
	},
	"save-messages.scm": {
		`saved .*/1\.eml\n(saved .*\n){3}saved .*/5\.eml\n`,
		`1-crlf\.eml \(CRLF line ends\)`,
	},
	"headers.scm": {
		`1  popsh <tour@popsh\.example>\n     Welcome to popsh\n`,
		`5  popsh <tour@popsh\.example>\n     Where to go next\n`,
	},
	"check-all.scm": {
		`: 5 messages, \d+ octets\n`,
	},
	"fetch-all.scm": {
		`message 1: \d+ characters\n(message \d: \d+ characters\n){3}message 5: \d+ characters\n`,
		`total: \d+ characters`,
		`2 starts with "From:"\n3 starts with "From:"`,
		`marked: 5`,
	},
}

func TestExamplesAllChecked(t *testing.T) {
	names, err := filepathGlob()
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if _, ok := expectations[n]; !ok {
			t.Errorf("example %s has no expectations in examples_test.go", n)
		}
	}
	if len(names) < 7 {
		t.Errorf("only %d examples embedded", len(names))
	}
}

func filepathGlob() ([]string, error) {
	entries, err := examples.FS.ReadDir(".")
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out, nil
}

func TestExamples(t *testing.T) {
	for name, patterns := range expectations {
		t.Run(strings.TrimSuffix(name, ".scm"), func(t *testing.T) {
			out, dir := runExample(t, name)
			rest := out
			for _, p := range patterns {
				re := regexp.MustCompile(p)
				loc := re.FindStringIndex(rest)
				if loc == nil {
					t.Fatalf("output lacks (in order) %q\n--- output:\n%s", p, out)
				}
				rest = rest[loc[1]:]
			}
			if name == "save-messages.scm" {
				checkSaved(t, dir)
			}
		})
	}
}

// runExample runs one example against a fresh demo server and returns its
// output and the directory given as its argument.
func runExample(t *testing.T, name string) (string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	d, err := demo.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	for _, kv := range d.Env() {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	src, err := examples.FS.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var out bytes.Buffer
	it := interp.New(interp.WithOutput(&out), interp.WithErrorOutput(&out), interp.WithCommandLine([]string{name, dir}))
	if err := bindings.Install(it, bindings.Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := it.EvalString(ctx, `(set! command-line-arguments (list "`+dir+`"))`, "setup"); err != nil {
		t.Fatal(err)
	}
	_, err = it.EvalString(ctx, string(src), name)
	it.FlushOutput()
	if err != nil {
		t.Fatalf("%s failed: %v\n--- output:\n%s", name, err, out.String())
	}
	return out.String(), dir
}

func checkSaved(t *testing.T, dir string) {
	msgs, err := demo.Messages()
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range msgs {
		b, err := os.ReadFile(filepath.Join(dir, itoa(i+1)+".eml"))
		if err != nil {
			t.Fatal(err)
		}
		want := strings.ReplaceAll(string(m), "\r\n", "\n")
		if string(b) != want {
			t.Errorf("%d.eml = %q, want %q", i+1, b, want)
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "1-crlf.eml"))
	if err != nil {
		t.Fatal(err)
	}
	want := strings.ReplaceAll(strings.ReplaceAll(string(msgs[0]), "\r\n", "\n"), "\n", "\r\n")
	if string(b) != want {
		t.Errorf("1-crlf.eml = %q, want %q", b, want)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
