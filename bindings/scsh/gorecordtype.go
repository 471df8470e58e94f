package scsh

import "popsh/interp"

// goRecordType defines a record type made in Go with scsh's define-record
// names: type/NAME, NAME? and a NAME:FIELD accessor for each field, the
// procedures documented under section.
func (e *scshEnv) goRecordType(section, name string, fields []string, printer func(*interp.Record) string) *interp.RecordType {
	syms := make([]*interp.Symbol, len(fields))
	for i, f := range fields {
		syms[i] = interp.Intern(f)
	}
	rt := &interp.RecordType{Name: name, Fields: syms, Printer: printer}
	e.it.Define("type/"+name, rt)
	rows := make([]interp.Builtin, 0, 1+len(fields))
	rows = append(rows, interp.Builtin{Name: name + "?", MinArgs: 1, MaxArgs: 1,
		Doc: "(" + name + "? obj): whether obj is a " + name + " record",
		Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
			r, ok := a[0].(*interp.Record)
			return ok && r.Type == rt, nil
		}})
	want := "a " + name + " record"
	for i, f := range fields {
		who := name + ":" + f
		rows = append(rows, interp.Builtin{Name: who, MinArgs: 1, MaxArgs: 1,
			Doc: "(" + who + " " + name + "): the " + f + " field of a " + name + " record",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				r, ok := a[0].(*interp.Record)
				if !ok || r.Type != rt {
					return nil, interp.TypeError(want, a[0])
				}
				return r.Fields[i], nil
			}})
	}
	e.it.DefineBuiltins(section, rows...)
	return rt
}

// printFirstField is the printer of a record shown by its first field:
// #{NAME first}.
func printFirstField(name string) func(*interp.Record) string {
	return func(r *interp.Record) string { return "#{" + name + " " + interp.DisplayString(r.Fields[0]) + "}" }
}
