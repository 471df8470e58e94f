package scsh

import (
	"errors"
	"io/fs"
	"os"
	"time"

	"popsh/interp"
)

// obtainDotLock implements scsh's (obtain-dot-lock file [retry-seconds
// retry-number stale-time]): it creates FILE.lock exclusively, retrying
// every retry-seconds (default 1) up to retry-number times (#f: forever)
// and breaking a lock older than stale-time seconds (default 300, #f:
// never). It returns #t, 'broken when it broke a stale lock, or #f when
// the retries ran out.
func (e *scshEnv) obtainDotLock(it *interp.Interp, a []interp.Value) (interp.Value, error) {
	name, err := str(a[0], 1, "file")
	if err != nil {
		return nil, err
	}
	num := func(i int, param string, def interp.Value) (interp.Value, error) {
		if len(a) <= i {
			return def, nil
		}
		switch a[i].(type) {
		case int, float64, bool:
			if a[i] == true {
				break
			}
			return a[i], nil
		}
		return nil, argType(i+1, param, "a number or #f", a[i])
	}
	retry, err := num(1, "retry-seconds", 1)
	if err != nil {
		return nil, err
	}
	tries, err := num(2, "retry-number", false)
	if err != nil {
		return nil, err
	}
	stale, err := num(3, "stale-time", 300)
	if err != nil {
		return nil, err
	}
	seconds := func(v interp.Value) time.Duration {
		switch x := v.(type) {
		case int:
			return time.Duration(x) * time.Second
		case float64:
			return time.Duration(x * float64(time.Second))
		}
		return 0
	}
	lock := name.String() + ".lock"
	broken := false
	for n := 0; ; n++ {
		f, err := os.OpenFile(lock, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o444)
		if err == nil {
			f.Close()
			if broken {
				return interp.Intern("broken"), nil
			}
			return true, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, fileError("open", err, lock)
		}
		if stale != false {
			if st, serr := os.Stat(lock); serr == nil && time.Since(st.ModTime()) > seconds(stale) {
				if rerr := os.Remove(lock); rerr == nil || errors.Is(rerr, fs.ErrNotExist) {
					broken = true
					continue
				}
			}
		}
		if limit, ok := tries.(int); ok && n >= limit {
			return false, nil
		}
		t := time.NewTimer(seconds(retry))
		ctx := e.ctx()
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return nil, &interp.ErrorObject{Who: "obtain-dot-lock", Message: "interrupted", Cause: ctx.Err()}
		}
	}
}

func (e *scshEnv) installLocks() {
	e.it.DefineBuiltins("scsh: file locks", []interp.Builtin{
		{Name: "obtain-dot-lock", MinArgs: 1, MaxArgs: 4,
			Doc: "(obtain-dot-lock file [retry-seconds retry-number stale-time]): create file.lock; #t, broken, or #f after the retries",
			Fn:  e.obtainDotLock},
		{Name: "release-dot-lock", MinArgs: 1, MaxArgs: 1,
			Doc: "(release-dot-lock file): remove file.lock",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				name, err := str(a[0], 0, "file")
				if err != nil {
					return nil, err
				}
				if err := os.Remove(name.String() + ".lock"); err != nil {
					if errors.Is(err, fs.ErrNotExist) {
						return false, nil
					}
					return nil, fileError("unlink", err, name.String()+".lock")
				}
				return true, nil
			}},
	}...)
}
