package bindings

import (
	"errors"
	"fmt"
	"strings"
)

// ParseMetaArgLine parses line 2 of a script run with scsh's `\`
// meta-argument into arguments, with scsh's grammar (meta-arg.scm): each
// space ends an argument (so two spaces make an empty argument and a
// trailing space an empty last argument), a newline ends the list, a tab is
// an error, and a backslash escapes space, tab, newline and backslash, or
// introduces \n \r \t \b \a \f \v or \nnn (exactly three octal digits).
// Any other escape is an error. An empty line gives one empty argument, as
// in scsh. line may hold the rest of the file: the first newline not
// escaped by a backslash ends the arguments (an escaped one continues them,
// putting a newline in the argument).
func ParseMetaArgLine(line string) ([]string, error) {
	var args []string
	var cur strings.Builder
	rs := []byte(line) // bytes: arguments are OS strings, specials are ASCII
scan:
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		switch c {
		case '\n':
			break scan
		case ' ':
			args = append(args, cur.String())
			cur.Reset()
		case '\t':
			return nil, fmt.Errorf("meta-arg line: tab at column %d is not allowed (use \\t)", i+1)
		case '\\':
			if i+1 >= len(rs) {
				return nil, errors.New("meta-arg line: backslash at end of line")
			}
			i++
			e := rs[i]
			switch e {
			case ' ', '\t', '\\', '\n':
				cur.WriteByte(e)
			case 'n':
				cur.WriteByte('\n')
			case 'r':
				cur.WriteByte('\r')
			case 't':
				cur.WriteByte('\t')
			case 'b':
				cur.WriteByte('\b')
			case 'a':
				cur.WriteByte('\a')
			case 'f':
				cur.WriteByte('\f')
			case 'v':
				cur.WriteByte('\v')
			default:
				if e >= '0' && e <= '7' {
					if i+2 >= len(rs) || !isOctal(rs[i+1]) || !isOctal(rs[i+2]) {
						return nil, fmt.Errorf("meta-arg line: octal escape at column %d needs exactly three octal digits", i)
					}
					n := int(e-'0')*64 + int(rs[i+1]-'0')*8 + int(rs[i+2]-'0')
					if n > 255 {
						return nil, fmt.Errorf("meta-arg line: octal escape \\%c%c%c is more than a byte", e, rs[i+1], rs[i+2])
					}
					cur.WriteByte(byte(n))
					i += 2
					continue
				}
				return nil, fmt.Errorf("meta-arg line: unknown escape \\%c at column %d", e, i)
			}
		default:
			cur.WriteByte(c)
		}
	}
	args = append(args, cur.String())
	return args, nil
}

func isOctal(r byte) bool { return r >= '0' && r <= '7' }
