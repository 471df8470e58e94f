package scripts

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"popsh/pop3/server"
)

func TestPopHeaders(t *testing.T) {
	e := newSrv(t, server.Faults{})
	e.add(
		"Date: Wed, 25 Nov 2026 22:50:36 +0000\nFrom: \"Ann Example\" <ann@example.org>\nSubject: plain subject\n\nbody one\n",
		"Date: 3 Jan 2025 08:00:00 -0500\nFrom: =?UTF-8?Q?Ren=C3=A9_Desc?= <rene@example.fr>\nSubject: =?ISO-8859-1?Q?caf=E9?= and\n =?UTF-8?B?w7xiZXI=?=\n\nbody two\n",
		"From: bob@example.net\n\nno subject, no date\n",
	)
	r := run(t, e.env, "pop-headers.scm")
	if r.status != 0 {
		t.Fatalf("status %d\n%s\n%s", r.status, r.stdout, r.stderr)
	}
	lines := strings.Split(strings.TrimRight(r.stdout, "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("want 3 lines, got %q", r.stdout)
	}
	for i, re := range []string{
		`^   1 +\d+  25 Nov 2026  Ann Example +plain subject$`,
		`^   2 +\d+   3 Jan 2025  René Desc +café and über$`,
		`^   3 +\d+  +bob@example\.net +$`,
	} {
		if !regexp.MustCompile(re).MatchString(lines[i]) {
			t.Errorf("line %d = %q, want match %s", i+1, lines[i], re)
		}
	}
	cmds := strings.Join(e.commands(), "\n")
	if strings.Contains(cmds, "RETR") || strings.Contains(cmds, "DELE") || strings.Count(cmds, "TOP ") != 3 {
		t.Errorf("pop-headers sent:\n%s", cmds)
	}
	if r := run(t, e.env, "pop-headers.scm", "--help"); r.status != 0 || !strings.Contains(r.stdout, "usage: popsh pop-headers.scm") {
		t.Errorf("--help: %d %q", r.status, r.stdout)
	}
	if r := run(t, append(e.env, "MAILHOST="), "pop-headers.scm"); r.status != 2 {
		t.Errorf("no account: status %d, %q", r.status, r.stderr)
	}
}

func TestPopstat(t *testing.T) {
	e := newSrv(t, server.Faults{})
	e.add(genMessages(3)...)
	addr := e.srv.Addr().String()
	r := run(t, e.env, "popstat.scm", addr)
	if r.status != 0 || !regexp.MustCompile(`^127\.0\.0\.1:\d+: 3 messages, \d+ KB \(no TLS\)\n$`).MatchString(r.stdout) {
		t.Errorf("popstat: status %d, out %q, err %q", r.status, r.stdout, r.stderr)
	}
	if e.be.Count(testUser) != 3 {
		t.Error("popstat deleted mail")
	}
	// The netrc machines by default; a busy maildrop is reported as such
	// (and is not a failure); an unknown host is a failure.
	busy := newSrv(t, loginFault("-ERR [IN-USE] maildrop locked by another session"))
	delay := newSrv(t, loginFault("-ERR [LOGIN-DELAY] wait 5 minutes"))
	netrc := filepath.Join(t.TempDir(), "netrc")
	content := ""
	for _, s := range []*srvEnv{e, busy, delay} {
		// Each server is its own machine name: 127.0.0.1 plus a port
		// is not a netrc machine, so use the accounts explicitly too.
		content += fmt.Sprintf("machine %s login %s password %s\n", s.srv.Addr().String(), testUser, testPass)
	}
	content += fmt.Sprintf("machine 127.0.0.1 login %s password %s\n", testUser, testPass)
	if err := os.WriteFile(netrc, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	env := append(append([]string(nil), e.env...), "NETRC="+netrc)
	r = run(t, env, "popstat.scm", addr, "pop://alice@"+busy.srv.Addr().String(), delay.srv.Addr().String())
	if r.status != 0 {
		t.Errorf("busy accounts made popstat fail: %d %q %q", r.status, r.stdout, r.stderr)
	}
	for _, want := range []string{": 3 messages", "pop://alice@" + busy.srv.Addr().String() + ": busy [IN-USE]", delay.srv.Addr().String() + ": busy [LOGIN-DELAY]"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("popstat output lacks %q:\n%s", want, r.stdout)
		}
	}
	r = run(t, env, "popstat.scm", "127.0.0.1:1", addr)
	if r.status != 1 || !strings.Contains(r.stdout, "127.0.0.1:1: cannot check:") || !strings.Contains(r.stdout, ": 3 messages") {
		t.Errorf("unreachable account: %d %q %q", r.status, r.stdout, r.stderr)
	}
	if r := run(t, env, "popstat.scm", "--help"); r.status != 0 || !strings.Contains(r.stdout, "usage: popsh popstat.scm") {
		t.Errorf("--help: %d %q", r.status, r.stdout)
	}
}

// loginFault answers every login command (USER/PASS, APOP, AUTH) with reply.
func loginFault(reply string) server.Faults {
	var f server.Faults
	for _, c := range []string{"PASS", "APOP", "AUTH"} {
		f.Rules = append(f.Rules, server.Fault{Command: c, Reply: reply})
	}
	return f
}
