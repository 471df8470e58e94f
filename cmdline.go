package main

// The command line: usage, switches (scsh 0.6's, read left to right), the
// \ meta-argument and the library path.

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

const usageText = `Usage: popsh [meta-arg] [switch ...] [end-option arg ...]
       popsh FILE arg ...          (the same as popsh -s FILE arg ...)
       popsh --demo                run the tour against a demo POP3 server
       popsh --demo -i             the REPL against the demo server
       popsh --demo [switch ...] FILE arg ...   (or -s, -c, --): any program
                                   against the demo server (MAILHOST, NETRC set)
       popsh --help | --version

meta-arg:   \ <script-file-name>   (switches are read from line 2 of the script)
switch:     -e <entry>             call (<entry> (command-line)) after loading
            -l <file>              load a file (also -lm, -le: popsh has one package)
            -ll <file> -lel <file> load a file found on the library path
            +lp <dir> lp+ <dir> +lpe <dir> lpe+ <dir> +lpsd lpsd+ -lp-clear -lp-default
            -o <struct> -m <struct> -n <package>   accepted; no effect in popsh
            -ds -dm -de            load the script here (requires -s or -sfd)
end-option: -s <script>            run a script file, then exit
            -sfd <fd>              run the script read from file descriptor fd
            -c <exp>               evaluate exactly one expression, then exit
            --                     interactive REPL (the default)
`

// usageError is a bad command line: the message, then the usage text, and
// exit status 255 (scsh's (exit -1)).
type usageError struct{ msg string }

// Error returns the message (the usage text is printed separately).
func (e *usageError) Error() string { return e.msg }

// Kinds of switch actions, done left to right before the end option.
const (
	actLoad       = iota // -l, -lm, -le: load Arg (relative to the cwd; -le in the exec language)
	actLoadLib           // -ll, -lel: load Arg found on the library path (-lel in the exec language)
	actScriptHere        // -ds, -dm, -de: load the script at this point
	actLibPrepend        // +lp, +lpe: put Arg first on the library path
	actLibAppend         // lp+, lpe+: put Arg last on the library path
	actLibClear          // -lp-clear
	actLibDefault        // -lp-default
)

// action is one switch to perform, in order.
type action struct {
	kind int
	arg  string
	flag string // the switch as typed, for messages
}

// invocation is a parsed command line.
type invocation struct {
	help, version bool
	demo          bool // --demo: start the demo server first
	tour          bool // --demo alone: run the tour
	actions       []action
	entry         string // -e ENTRY, or ""
	end           string // "-s", "-sfd", "-c", "--" or "" (no end option: REPL)
	endArg        string // the script, the fd, or the expression
	args          []string
	cmdline       []string // (command-line): program or script name, then args
}

// parseArgs parses the arguments after the program name (meta-argument
// already expanded), following scsh 0.6's top.scm.
func parseArgs(args []string) (*invocation, error) {
	inv := &invocation{}
	if len(args) > 0 {
		switch args[0] {
		case "--help", "-h", "-help":
			inv.help = true
			if len(args) > 1 {
				return nil, &usageError{"--help takes no arguments"}
			}
			return inv, nil
		case "--version":
			inv.version = true
			if len(args) > 1 {
				return nil, &usageError{"--version takes no arguments"}
			}
			return inv, nil
		case "--demo":
			// --demo alone runs the tour; --demo -i is the REPL (as
			// --demo --); anything else is a command line run against
			// the demo server.
			rest := args[1:]
			if len(rest) == 0 {
				return &invocation{demo: true, tour: true}, nil
			}
			switch rest[0] {
			case "--demo", "--help", "-h", "-help", "--version":
				return nil, &usageError{fmt.Sprintf("--demo: %s cannot follow --demo", rest[0])}
			case "-i":
				rest = append([]string{"--"}, rest[1:]...)
			}
			sub, err := parseArgs(rest)
			if err != nil {
				return nil, err
			}
			sub.demo = true
			return sub, nil
		}
	}
	needArg := func(i int) (string, error) {
		if i+1 >= len(args) {
			return "", &usageError{fmt.Sprintf("switch %s needs an argument", args[i])}
		}
		return args[i+1], nil
	}
	scriptHere := ""
	i := 0
	for ; i < len(args); i++ {
		a := args[i]
		switch a {
		case "-e":
			v, err := needArg(i)
			if err != nil {
				return nil, err
			}
			inv.entry = v
			i++
		case "-l", "-lm", "-le", "-ll", "-lel", "+lp", "lp+", "+lpe", "lpe+":
			v, err := needArg(i)
			if err != nil {
				return nil, err
			}
			i++
			switch a {
			case "-l", "-lm", "-le":
				inv.actions = append(inv.actions, action{actLoad, v, a})
			case "-ll", "-lel":
				inv.actions = append(inv.actions, action{actLoadLib, v, a})
			case "+lp":
				inv.actions = append(inv.actions, action{actLibPrepend, v, a})
			case "lp+":
				inv.actions = append(inv.actions, action{actLibAppend, v, a})
			case "+lpe":
				inv.actions = append(inv.actions, action{actLibPrepend, expandDir(v), a})
			case "lpe+":
				inv.actions = append(inv.actions, action{actLibAppend, expandDir(v), a})
			}
		case "+lpsd", "lpsd+":
			// The script's directory: filled in once the script is known.
			k := actLibPrepend
			if a == "lpsd+" {
				k = actLibAppend
			}
			inv.actions = append(inv.actions, action{k, "", a})
		case "-lp-clear":
			inv.actions = append(inv.actions, action{actLibClear, "", a})
		case "-lp-default":
			inv.actions = append(inv.actions, action{actLibDefault, "", a})
		case "-o", "-m", "-n":
			// Scheme48's module system is flattened: every name is visible.
			if _, err := needArg(i); err != nil {
				return nil, err
			}
			i++
		case "-ds", "-dm", "-de":
			if scriptHere != "" {
				return nil, &usageError{fmt.Sprintf("switch %s after %s: the script can be loaded only once", a, scriptHere)}
			}
			scriptHere = a
			inv.actions = append(inv.actions, action{actScriptHere, "", a})
		case "-s", "-sfd", "-c":
			v, err := needArg(i)
			if err != nil {
				return nil, err
			}
			inv.end, inv.endArg = a, v
			i += 2
			goto done
		case "--":
			inv.end = "--"
			i++
			goto done
		default:
			if strings.HasPrefix(a, "-") || strings.HasPrefix(a, "+") {
				return nil, &usageError{fmt.Sprintf("unknown switch %s", a)}
			}
			// popsh FILE arg ...: a script, as with -s.
			inv.end, inv.endArg = "-s", a
			i++
			goto done
		}
	}
done:
	inv.args = append([]string{}, args[min(i, len(args)):]...)
	switch inv.end {
	case "-c":
		if scriptHere != "" {
			return nil, &usageError{fmt.Sprintf("-c cannot follow %s", scriptHere)}
		}
		if inv.entry != "" {
			return nil, &usageError{"-e cannot be used with -c"}
		}
	case "-sfd":
		if n, err := strconv.Atoi(inv.endArg); err != nil || n < 0 {
			return nil, &usageError{fmt.Sprintf("-sfd needs a file descriptor number, got %q", inv.endArg)}
		}
	case "-s":
	default: // "--" or no end option: the REPL
		if scriptHere != "" {
			return nil, &usageError{fmt.Sprintf("switch %s requires a terminating -s <script>", scriptHere)}
		}
		inv.entry = "" // scsh ignores -e without a script
	}
	if inv.end == "-s" || inv.end == "-sfd" {
		dir := "."
		if inv.end == "-s" {
			dir = filepath.Dir(inv.endArg)
		}
		for k := range inv.actions {
			if a := &inv.actions[k]; a.flag == "+lpsd" || a.flag == "lpsd+" {
				a.arg = dir
			}
		}
	} else {
		for k := range inv.actions {
			if a := &inv.actions[k]; a.flag == "+lpsd" || a.flag == "lpsd+" {
				a.arg = "."
			}
		}
	}
	return inv, nil
}

// expandDir expands a leading ~ and $VARIABLES in a library directory
// (+lpe, lpe+).
func expandDir(d string) string {
	if d == "~" || strings.HasPrefix(d, "~/") {
		if h, err := os.UserHomeDir(); err == nil {
			d = h + d[1:]
		}
	}
	return os.ExpandEnv(d)
}

// expandMetaArgs expands scsh's meta-argument: when args (after the program
// name) starts with `\`, the switches on line 2 of the script named next
// replace the `\`, and the expansion repeats while the result starts with `\`.
func expandMetaArgs(args []string) ([]string, error) {
	for n := 0; len(args) > 0 && args[0] == `\`; n++ {
		if n > 20 {
			return nil, &usageError{`meta-argument: too many nested \ expansions`}
		}
		if len(args) < 2 {
			return nil, &usageError{`meta-argument \ needs a script file name`}
		}
		line, err := secondLine(args[1])
		if err != nil {
			return nil, err
		}
		extra, err := parseMetaArgLine(line)
		if err != nil {
			return nil, &usageError{fmt.Sprintf("meta-argument: line 2 of %s: %v", args[1], err)}
		}
		args = append(dropVMArgs(extra), args[1:]...)
	}
	return args, nil
}

// dropVMArgs removes the Scheme 48 virtual machine's arguments from the
// front of a script's line 2: a script started by scshvm itself
// (#!/usr/local/bin/scshvm \) gives the VM its options there, up to the
// heap image (-o scshvm -h 28000000 -i scsh.image), before scsh's own
// switches. Only a run of -o, -h, -s and -i options that ends with
// -i IMAGE is dropped; -o and -s mean scsh's switches otherwise.
func dropVMArgs(line []string) []string {
	for i := 0; i+1 < len(line); i += 2 {
		switch line[i] {
		case "-i":
			return line[i+2:]
		case "-o", "-h", "-s":
		default:
			return line
		}
	}
	return line
}

// secondLine returns the text of a file from its line 2 on (at most
// 64 KiB): the meta-argument grammar decides where line 2 ends, since a
// backslash may escape a newline.
func secondLine(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("meta-argument: %w", err)
	}
	defer f.Close()
	r := bufio.NewReader(f)
	if _, err := r.ReadString('\n'); err != nil {
		return "", &usageError{fmt.Sprintf("meta-argument: %s has no second line", path)}
	}
	rest, err := io.ReadAll(io.LimitReader(r, 64<<10))
	if err != nil {
		return "", fmt.Errorf("meta-argument: read %s: %w", path, err)
	}
	return string(rest), nil
}

// parseMetaArgLine splits line 2 of a script with scsh's meta-argument
// grammar (meta-arg.scm): every space ends an argument (two spaces make an
// empty one), a newline ends the list, a tab is an error, and a backslash
// escapes space, tab, newline and backslash, or gives \n \r \t \b \a \f \v
// or \nnn (three octal digits).
func parseMetaArgLine(line string) ([]string, error) {
	var args []string
	var cur []byte
	for i := 0; ; i++ {
		if i >= len(line) || line[i] == '\n' {
			return append(args, string(cur)), nil
		}
		c := line[i]
		switch c {
		case ' ':
			args = append(args, string(cur))
			cur = nil
		case '\t':
			return nil, fmt.Errorf("tab at column %d (a tab is not allowed; escape it as \\t)", i+1)
		case '\\':
			i++
			if i >= len(line) {
				return nil, errors.New("backslash at the end of the line")
			}
			switch e := line[i]; e {
			case ' ', '\t', '\n', '\\':
				cur = append(cur, e)
			case 'n':
				cur = append(cur, '\n')
			case 'r':
				cur = append(cur, '\r')
			case 't':
				cur = append(cur, '\t')
			case 'b':
				cur = append(cur, '\b')
			case 'a':
				cur = append(cur, '\a')
			case 'f':
				cur = append(cur, '\f')
			case 'v':
				cur = append(cur, '\v')
			default:
				if e >= '0' && e <= '7' {
					if i+2 >= len(line) || !isOctal(line[i+1]) || !isOctal(line[i+2]) {
						return nil, fmt.Errorf("\\%c at column %d: an octal escape needs exactly three digits", e, i)
					}
					v, _ := strconv.ParseUint(line[i:i+3], 8, 16)
					if v > 255 {
						return nil, fmt.Errorf("\\%s at column %d: octal escape out of range", line[i:i+3], i)
					}
					cur = append(cur, byte(v))
					i += 2
				} else {
					return nil, fmt.Errorf("unknown escape \\%c at column %d", e, i)
				}
			}
		default:
			cur = append(cur, c)
		}
	}
}

func isOctal(c byte) bool { return c >= '0' && c <= '7' }
