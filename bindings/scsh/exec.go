package scsh

import (
	"context"
	"errors"
	"io"
	"os"

	"popsh/interp"
)

// The files of scsh's -le and -lel switches are loaded into Scheme48's
// exec package, whose language is the command processor's commands as
// procedures: (config) and (user) make the configuration or the user
// package current, (config '(load "packages.scm")) runs one command in
// the configuration package, (open 'structure) opens a structure,
// (run 'form) evaluates a form, and (load "file" ...) loads files (a ~ at
// the start of a name is the home directory, as Scheme 48 opens files).
// popsh has one package: the package commands do nothing but run the
// commands and forms they are given, every structure is open already,
// and any other form is evaluated as usual.

// execCommands are the commands LoadExec knows; the value says whether
// the first argument names a package (in) rather than being a command.
var execCommands = map[string]bool{
	"config": false, "user": false, "exec": false, "in": true,
	"open": false, "load-package": false, "ensure-loaded": false, "set-reader": false,
	"run": false, "load": false,
}

// LoadExec loads file as scsh loads the file of a -le or -lel switch.
func LoadExec(ctx context.Context, it *interp.Interp, file string) error {
	f, err := os.Open(file)
	if err != nil {
		return &interp.ErrorObject{Kind: interp.KindFileError, Who: "load", Message: "cannot open file " + file, Cause: err}
	}
	defer f.Close()
	rd := interp.NewReader(f, file)
	for {
		form, err := rd.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := execForm(ctx, it, rd, form); err != nil {
			return err
		}
	}
}

// execForm runs one form of the exec language.
func execForm(ctx context.Context, it *interp.Interp, rd *interp.Reader, form interp.Value) error {
	p, ok := form.(*interp.Pair)
	if !ok {
		_, err := it.EvalForm(ctx, rd, form)
		return err
	}
	head, ok := p.Car.(*interp.Symbol)
	if !ok {
		_, err := it.EvalForm(ctx, rd, form)
		return err
	}
	named, known := execCommands[head.Name]
	if !known {
		_, err := it.EvalForm(ctx, rd, form)
		return err
	}
	args, ok := interp.ListToSlice(p.Cdr)
	if !ok {
		_, err := it.EvalForm(ctx, rd, form)
		return err
	}
	switch head.Name {
	case "open", "load-package", "ensure-loaded", "set-reader":
		return nil // every structure is open
	case "load":
		for _, a := range args {
			v, err := it.EvalForm(ctx, rd, a)
			if err != nil {
				return err
			}
			s, ok := v.(*interp.String)
			if !ok {
				return &interp.ErrorObject{Who: "load", Message: "not a file name", Irritants: []interp.Value{v}}
			}
			if _, err := it.EvalFile(ctx, expandTilde(s.String())); err != nil {
				return err
			}
		}
		return nil
	}
	if named && len(args) > 0 {
		args = args[1:] // (in 'package command)
	}
	for _, a := range args {
		if q, ok := quoted(a); ok {
			// a command or a form, as data
			if err := execForm(ctx, it, rd, q); err != nil {
				return err
			}
			continue
		}
		v, err := it.EvalForm(ctx, rd, a)
		if err != nil {
			return err
		}
		if interp.IsProcedure(v) {
			if _, err := it.Call(ctx, v); err != nil {
				return err
			}
		}
	}
	return nil
}

// quoted returns datum for (quote datum).
func quoted(v interp.Value) (interp.Value, bool) {
	p, ok := v.(*interp.Pair)
	if !ok || p.Car != interp.Intern("quote") {
		return nil, false
	}
	rest, ok := p.Cdr.(*interp.Pair)
	if !ok || rest.Cdr != interp.Null {
		return nil, false
	}
	return rest.Car, true
}
