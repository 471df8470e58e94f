// Package docs holds popsh's reference documentation (the Markdown files
// of this directory). reference.md is generated (Reference, "go generate
// ./docs") from the doc lines of the procedure tables, one line per bound
// name; its tests fail when it is stale or when a bound name has no doc
// line. procedures.md is the long-form guide, read here as a table: the
// REPL's ,doc command prints the entry of a name after its doc line.
//
// An entry of procedures.md is a Markdown bullet or table row whose
// leading backquoted spans name what it documents:
//
//   - `(pop3-stat conn)`: two values, the message count and size.
//   - `(string-index s c)`, `string-index-right`: searching a string.
//     | `(pop3-list conn [msgid])` | `((1 . octets) ...)` |
//
// A span is a signature "(name arg ...)" or a bare name; a name ending in
// "..." ("errno/...") stands for every name with that prefix.
package docs

import (
	_ "embed"
	"strings"
)

// Procedures is the text of procedures.md.
//
//go:embed procedures.md
var Procedures string

// Entry is one bullet or table row of the procedure reference.
type Entry struct {
	// Spans are the backquoted signatures or names it starts with.
	Spans []string
	// Names are the names they define; a family ends in "...".
	Names []string
	// Text is the description that follows them, as written.
	Text string
	// Section is the heading the entry is under.
	Section string
}

// Entries returns the entries of procedures.md, in order.
func Entries() []Entry { return Parse(Procedures) }

// Parse reads the entries of a procedure reference written in the
// format of procedures.md.
func Parse(text string) []Entry {
	var out []Entry
	section := ""
	for _, line := range strings.Split(text, "\n") {
		t := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(t, "#"):
			section = strings.TrimSpace(strings.TrimLeft(t, "#"))
		case strings.HasPrefix(t, "- `"):
			if e, ok := parseSpans(t[2:]); ok {
				e.Text = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(e.Text), ":"))
				e.Section = section
				out = append(out, e)
			}
		case strings.HasPrefix(t, "| `"):
			cells := strings.Split(strings.Trim(t, "|"), " | ")
			if e, ok := parseSpans(cells[0]); ok {
				var rest []string
				for _, c := range cells[1:] {
					if c = strings.TrimSpace(c); c != "" {
						rest = append(rest, c)
					}
				}
				e.Text = strings.Join(rest, "; ")
				e.Section = section
				out = append(out, e)
			}
		}
	}
	return out
}

// parseSpans reads the backquoted spans at the start of s, separated by
// commas, "and" or "/"; the rest is the entry's text.
func parseSpans(s string) (Entry, bool) {
	var e Entry
	rest := strings.TrimSpace(s)
	for strings.HasPrefix(rest, "`") {
		end := strings.Index(rest[1:], "`")
		if end < 0 {
			break
		}
		span := rest[1 : end+1]
		e.Spans = append(e.Spans, span)
		if n := spanName(span); n != "" {
			e.Names = append(e.Names, n)
		}
		rest = strings.TrimSpace(rest[end+2:])
		for _, sep := range []string{",", "and ", "or ", "/"} {
			rest = strings.TrimSpace(strings.TrimPrefix(rest, sep))
		}
	}
	e.Text = rest
	return e, len(e.Names) > 0
}

// spanName is the name a span documents: the first word of a signature
// "(name arg ...)", or the span itself when it is one word.
func spanName(span string) string {
	span = strings.TrimSpace(span)
	if strings.HasPrefix(span, "(") {
		span = span[1:]
		if i := strings.IndexAny(span, " )"); i >= 0 {
			span = span[:i]
		}
		return span
	}
	if span == "" || strings.ContainsAny(span, " ()\"") {
		return ""
	}
	return span
}

// Lookup returns the entries documenting name: those that name it, else
// those of a family ("errno/...") whose prefix it has.
func Lookup(name string) []Entry {
	var exact, family []Entry
	for _, e := range Entries() {
		for _, n := range e.Names {
			if n == name {
				exact = append(exact, e)
				break
			}
			if p, ok := strings.CutSuffix(n, "..."); ok && p != "" && strings.HasPrefix(name, p) {
				family = append(family, e)
				break
			}
		}
	}
	if len(exact) > 0 {
		return exact
	}
	return family
}

// Describe renders what the reference says of name for the REPL's ,doc:
// the signatures of its entries that mention it (all of them when none
// does), the description, and the section; "" when name is not
// documented.
func Describe(name string) string {
	var b strings.Builder
	for _, e := range Lookup(name) {
		var sigs []string
		for _, sp := range e.Spans {
			if spanName(sp) == name {
				sigs = append(sigs, sp)
			}
		}
		if len(sigs) == 0 {
			sigs = e.Spans
		}
		b.WriteString(strings.Join(sigs, "  "))
		b.WriteString("\n")
		if e.Text != "" {
			b.WriteString("  " + e.Text + "\n")
		}
		if e.Section != "" {
			b.WriteString("  (" + e.Section + ", docs/procedures.md)\n")
		}
	}
	return b.String()
}
