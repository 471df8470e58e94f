package interp

import (
	"fmt"
	"strings"
)

// Cutting a library source into its top-level forms (splitForms) reads
// every line of the text; done at every start for the embedded libraries
// (about 55 KB of Scheme), it cost more than binding their names. So the
// cut is made when popsh is built instead: go generate writes, for each
// embedded library, a FormIndex (a Go literal the linker lays out as
// data, no code runs at start), and a test in each package that embeds a
// library fails when the file written is no longer what the sources give
// (TestFormIndexCurrent). A library made from an index that does not fit
// its source (another length or way of cutting: an index not written
// again after an edit) is cut from the text as before, so a stale index
// costs time, never a wrong library.

// FormIndex is the top-level split of one library source, made at build
// time by FormIndexSource; NewIndexedLibrary and NewIndexedLazyLibrary use
// it instead of reading the text.
type FormIndex struct {
	File string // the name the library's error positions give
	Len  int    // the length of the source indexed
	// Mode is how the source was cut: "all" (every definition lazy, as
	// NewLazyLibrary) or "procs" (NewLibrary), then each deferred name
	// after a space.
	Mode  string
	Forms []FormSpan
}

// FormSpan is one form (or run of forms) of a FormIndex: its text runs
// from Start to the next span's Start (the last to the end of the source).
type FormSpan struct {
	Name  string // the name a lazy definition defines; "" for forms evaluated at install
	Line  int32  // the line of the text's first character
	Start int32  // the byte offset of the text
	Kind  uint8  // SpanEval, SpanProc, SpanMacro or SpanDeferred
}

// The kinds of a FormSpan.
const (
	SpanEval     = 0 // evaluated at install
	SpanProc     = 1 // a procedure compiled on first call (a stub until then)
	SpanMacro    = 2 // a macro compiled on first expansion
	SpanDeferred = 3 // a variable evaluated on first reference
)

// splitMode is the FormIndex.Mode of a cut with these parameters.
func splitMode(allDefines bool, deferred []string) string {
	mode := "procs"
	if allDefines {
		mode = "all"
	}
	for _, n := range deferred {
		mode += " " + n
	}
	return mode
}

// indexedForms is splitForms(file, src, allDefines, deferred...), made from
// idx when idx fits the source, else by cutting the text.
func indexedForms(idx *FormIndex, file, src string, allDefines bool, deferred []string) []*libForm {
	if !idx.fits(file, src, allDefines, deferred) {
		return splitForms(file, src, allDefines, deferred...)
	}
	vals := make([]libForm, len(idx.Forms))
	forms := make([]*libForm, len(idx.Forms))
	for i := range idx.Forms {
		s := &idx.Forms[i]
		end := len(src)
		if i+1 < len(idx.Forms) {
			end = int(idx.Forms[i+1].Start)
		}
		d := &vals[i]
		d.name, d.file, d.line, d.src = s.Name, file, int(s.Line), src[s.Start:end]
		switch s.Kind {
		case SpanMacro:
			d.mac = &macro{name: s.Name, lazy: d}
		case SpanDeferred:
			d.deferred = true
		}
		forms[i] = d
	}
	return forms
}

// fits reports whether idx is the index of src cut this way: same name,
// length and mode, spans in order within the text, the first and the
// last starting a line with "(".
func (idx *FormIndex) fits(file, src string, allDefines bool, deferred []string) bool {
	if idx == nil || idx.File != file || idx.Len != len(src) || len(idx.Forms) == 0 {
		return false
	}
	if idx.Mode != splitMode(allDefines, deferred) {
		return false
	}
	prev := int32(-1)
	for i := range idx.Forms {
		s := idx.Forms[i].Start
		if s <= prev || int(s) >= len(src) {
			return false
		}
		prev = s
	}
	for _, s := range [2]int32{idx.Forms[0].Start, idx.Forms[len(idx.Forms)-1].Start} {
		if src[s] != '(' || s > 0 && src[s-1] != '\n' {
			return false
		}
	}
	return true
}

// indexOf cuts src as splitForms does and returns the cut as a FormIndex.
func indexOf(file, src string, allDefines bool, deferred []string) *FormIndex {
	forms := splitForms(file, src, allDefines, deferred...)
	idx := &FormIndex{File: file, Len: len(src), Mode: splitMode(allDefines, deferred)}
	// The forms are contiguous from the first to the end of the text.
	off := len(src)
	for _, d := range forms {
		off -= len(d.src)
	}
	for _, d := range forms {
		var kind uint8
		switch {
		case d.mac != nil:
			kind = SpanMacro
		case d.deferred:
			kind = SpanDeferred
		case d.name != "":
			kind = SpanProc
		}
		idx.Forms = append(idx.Forms, FormSpan{Name: d.name, Line: int32(d.line), Start: int32(off), Kind: kind})
		off += len(d.src)
	}
	return idx
}

// IndexedSource names one library for FormIndexSource: the Go variable
// to hold its index, and the arguments its library is made with (Lazy
// for NewIndexedLazyLibrary).
type IndexedSource struct {
	Var      string
	File     string
	Src      string
	Lazy     bool
	Deferred []string
}

// FormIndexSource returns the text of a Go file of package pkg that
// declares a FormIndex variable for each library, laid out as gofmt lays
// it out; generate is the command that writes it (for the file's header).
func FormIndexSource(pkg, generate string, libs ...IndexedSource) []byte {
	prefix := ""
	if pkg != "interp" {
		prefix = "interp."
	}
	var b strings.Builder
	fmt.Fprintf(&b, "// Code generated by %s; DO NOT EDIT.\n\npackage %s\n", generate, pkg)
	if prefix != "" {
		b.WriteString("\nimport \"popsh/interp\"\n")
	}
	for _, l := range libs {
		idx := indexOf(l.File, l.Src, l.Lazy, l.Deferred)
		fmt.Fprintf(&b, "\n// %s is the top-level split of %s.\n", l.Var, l.File)
		fmt.Fprintf(&b, "var %s = %sFormIndex{File: %q, Len: %d, Mode: %q, Forms: []%sFormSpan{\n",
			l.Var, prefix, idx.File, idx.Len, idx.Mode, prefix)
		for _, s := range idx.Forms {
			fmt.Fprintf(&b, "\t{Name: %q, Line: %d, Start: %d, Kind: %d},\n", s.Name, s.Line, s.Start, s.Kind)
		}
		b.WriteString("}}\n")
	}
	return []byte(b.String())
}

// NewIndexedLibrary is NewLibrary(idx.File, src, deferred...), cut by idx
// (see FormIndex) rather than by reading src when idx fits it.
func NewIndexedLibrary(idx *FormIndex, src string, deferred ...string) *LazyLibrary {
	return makeLibrary(indexedForms(idx, idx.File, src, false, deferred))
}

// NewIndexedLazyLibrary is NewLazyLibrary(idx.File, src), cut by idx
// rather than by reading src when idx fits it.
func NewIndexedLazyLibrary(idx *FormIndex, src string) *LazyLibrary {
	return makeLibrary(indexedForms(idx, idx.File, src, true, nil))
}
