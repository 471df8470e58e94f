package docs

import (
	"fmt"
	"sort"
	"strings"

	"popsh/interp"
)

// ReferenceFile is the generated reference, relative to this directory.
const ReferenceFile = "reference.md"

// RegenerateCommand is the command that rewrites ReferenceFile.
const RegenerateCommand = "go generate ./docs"

//go:generate go run ./gen

// Reference renders the reference of every documented name in ds (what
// Interp.Documented returns) but the internal ones (starting with %): one part per section, the sections without
// a prefix ("lists", "strings") first, then the others ("pop3: login",
// "scsh: file system") in alphabetical order; in each, one line per name,
// sorted: the name, its signature when it has parameters, and what it
// does.
func Reference(ds []interp.Documentation) string {
	bySection := map[string][]interp.Documentation{}
	n := 0
	for _, d := range ds {
		if strings.HasPrefix(d.Name, "%") {
			continue // internal
		}
		bySection[d.Section] = append(bySection[d.Section], d)
		n++
	}
	sections := make([]string, 0, len(bySection))
	for s := range bySection {
		sections = append(sections, s)
	}
	sort.Slice(sections, func(i, j int) bool {
		pi, pj := strings.Contains(sections[i], ":"), strings.Contains(sections[j], ":")
		if pi != pj {
			return !pi
		}
		return sections[i] < sections[j]
	})
	var b strings.Builder
	fmt.Fprintf(&b, "# popsh reference\n\n")
	fmt.Fprintf(&b, "Every documented name a popsh interpreter binds (%d names), by section: the name,\n", n)
	fmt.Fprintf(&b, "how it is called, and what it does in one line. At the prompt, `,doc NAME` prints\n")
	fmt.Fprintf(&b, "a line of it and `,apropos TEXT` searches it; [procedures.md](procedures.md) says more.\n\n")
	fmt.Fprintf(&b, "Generated from the doc lines of the procedure tables by `%s`; do not edit.\n", RegenerateCommand)
	fmt.Fprintf(&b, "\n## Sections\n\n")
	for _, s := range sections {
		fmt.Fprintf(&b, "- [%s](#%s) (%d)\n", s, anchor(s), len(bySection[s]))
	}
	for _, s := range sections {
		fmt.Fprintf(&b, "\n## %s\n\n", s)
		ents := bySection[s]
		sort.Slice(ents, func(i, j int) bool { return ents[i].Name < ents[j].Name })
		for _, d := range ents {
			b.WriteString(referenceLine(d))
			b.WriteString("\n")
		}
	}
	return b.String()
}

// referenceLine is the line of one name: "- `name` — `(name a b)` — what
// it does" (without the signature when it is the bare name).
func referenceLine(d interp.Documentation) string {
	sig := interp.DocSignature(d.Doc)
	what := strings.TrimSpace(strings.TrimPrefix(d.Doc, sig))
	what = strings.TrimSpace(strings.TrimPrefix(what, ":"))
	line := "- " + code(d.Name)
	if sig != d.Name {
		line += " — " + code(sig)
	}
	if what != "" {
		line += " — " + what
	}
	return line
}

// code renders s as a Markdown code span.
func code(s string) string {
	if strings.Contains(s, "`") {
		return "`` " + s + " ``"
	}
	return "`" + s + "`"
}

// anchor is the heading anchor GitHub gives a section title.
func anchor(title string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(title) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		}
	}
	return b.String()
}
