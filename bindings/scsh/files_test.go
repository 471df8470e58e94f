package scsh

import (
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
)

// The file procedures work on names, descriptors and file ports, and
// report what stat reports.
func TestFileOperations(t *testing.T) {
	dir := t.TempDir()
	q := func(name string) string { return `"` + filepath.Join(dir, name) + `"` }
	if err := os.WriteFile(filepath.Join(dir, "a"), []byte("hello world"), 0o600); err != nil {
		t.Fatal(err)
	}
	var st syscall.Stat_t
	if err := syscall.Stat(filepath.Join(dir, "a"), &st); err != nil {
		t.Fatal(err)
	}
	ino := strconv.Itoa(int(st.Ino))
	runScshCases(t, []scshCase{
		{`(set-file-mode ` + q("a") + ` #o640)`, `#!unspecific`, ""},
		{`(list (file-mode ` + q("a") + `) (file:mode ` + q("a") + `) (file-type ` + q("a") + `) (file-size ` + q("a") + `))`, `(416 416 regular 11)`, ""},
		{`(file-inode ` + q("a") + `)`, ino, ""},
		{`(begin (create-hard-link ` + q("a") + ` ` + q("b") + `) (list (file-nlinks ` + q("a") + `) (= (file-inode ` + q("b") + `) ` + ino + `)))`, `(2 #t)`, ""},
		{`(create-hard-link ` + q("a") + ` ` + q("b") + `)`, "", "file exists"},
		{`(begin (create-hard-link ` + q("a") + ` ` + q("b") + ` #t) (file-nlinks ` + q("b") + `))`, `2`, ""},
		{`(begin (create-fifo ` + q("f") + ` #o600) (list (file-type ` + q("f") + `) (file-fifo? ` + q("f") + `) (file-info-fifo? (file-info ` + q("f") + `)) (file-regular? ` + q("f") + `)))`, `(fifo #t #t #f)`, ""},
		{`(begin (set-file-times ` + q("a") + ` 1000 2000) (list (file-last-access ` + q("a") + `) (file-last-mod ` + q("a") + `)))`, `(1000 2000)`, ""},
		{`(set-file-times ` + q("a") + ` 1000)`, "", "give both"},
		{`(let ((p (open-output-file ` + q("a") + ` (bitwise-ior open/write open/append)))) (write-string "!!" p) (truncate-file p 4) (sync-file p) (close p) (file-size ` + q("a") + `))`, `4`, ""},
		{`(begin (truncate-file ` + q("a") + ` 2) (file-size ` + q("a") + `))`, `2`, ""},
		{`(let ((p (open-input-file ` + q("a") + `))) (let ((r (list (file-type p) (file-size p)))) (close p) r))`, `(regular 2)`, ""},
		{`(sync-file ` + q("a") + `)`, "", "sync-file: expected a file descriptor or file port, got \""},
		{`(list (file-owner ` + q("a") + `) (file-group ` + q("a") + `))`, "(" + strconv.Itoa(os.Getuid()) + " " + strconv.Itoa(os.Getgid()) + ")", ""},
		{`(set-file-owner ` + q("a") + ` (file-owner ` + q("a") + `))`, `#!unspecific`, ""},
		{`(set-file-group ` + q("a") + ` (file-group ` + q("a") + `))`, `#!unspecific`, ""},
		{`(file-not-readable? ` + q("a") + `)`, `#f`, ""},
		{`(file-not-readable? ` + q("nothing") + `)`, `nonexistent`, ""},
		{`(file-not-writable? ` + q("nothing") + `)`, `#f`, ""},
		{`(file-not-readable? ` + q("a/below") + `)`, `no-directory`, ""},
		{`(list (file-readable? ` + q("a") + `) (file-writeable? ` + q("a") + `) (file-info-readable? (file-info ` + q("a") + `)))`, `(#t #t #t)`, ""},
		{`(file-info ` + q("nothing") + `)`, "", "no such file"},
		{`(file-info 'x)`, "", "file-info: argument 1 (thing): expected a file name, file descriptor or file port, got x"},
		{`(file-type (open-input-string "x"))`, "", "not over a file"},
		{`(begin (create-symlink "a" ` + q("s") + `) (list (file-symlink? ` + q("s") + `) (file-type ` + q("s") + ` #f) (file-type ` + q("s") + `)))`, `(#t symlink regular)`, ""},
		{`(begin (create-directory ` + q("d") + `) (delete-filesys-object ` + q("d") + `) (delete-filesys-object ` + q("f") + `) (delete-filesys-object ` + q("s") + `) (delete-filesys-object ` + q("gone") + `) (map file-exists? (list ` + q("d") + ` ` + q("f") + ` ` + q("s") + ` ` + q("a") + `)))`, `(#f #f #f #t)`, ""},
		{`(glob-quote "a*b?[c]{d}\\e")`, `"a\\*b\\?\\[c\\]\\{d\\}\\\\e"`, ""},
		{`(glob (string-append (glob-quote ` + q("") + `) "/*"))`, `("` + filepath.Join(dir, "a") + `" "` + filepath.Join(dir, "b") + `")`, ""},
		{`(temp-file-iterate (lambda (n) (create-directory n) n) (string-append ` + q("t") + ` "~a"))`, `"` + filepath.Join(dir, "t0") + `"`, ""},
		{`(temp-file-iterate (lambda (n) (create-directory n) n) (string-append ` + q("t") + ` "~a"))`, `"` + filepath.Join(dir, "t1") + `"`, ""},
		{`(call-with-values (lambda () (temp-file-iterate (lambda (n) (values (string-length n) 'two)) (string-append ` + q("t") + ` "~a"))) list)`, "(" + strconv.Itoa(len(filepath.Join(dir, "t0"))) + " two)", ""},
		{`(temp-file-iterate (lambda (n) (error "boom")) "x~a")`, "", "boom"},
	})
}

// Later scsh's open options and file-mode procedures work on popsh's
// integer modes and open/... flags.
func TestFileOptionsAndModes(t *testing.T) {
	runScshCases(t, []scshCase{
		{`(= (file-options write-only create) (bitwise-ior open/write open/create))`, `#t`, ""},
		{`(file-options read-only)`, strconv.Itoa(syscall.O_RDONLY), ""},
		{`(file-options sideways)`, "", "unknown option"},
		{`(list (file-mode+ #o400 #o040) (file-mode- #o755 #o022) (file-mode=? (integer->file-mode #o644) #o644) (file-mode<=? #o600 #o644) (file-mode>=? #o600 #o644))`, `(288 493 #t #t #f)`, ""},
		// Scheme48's (file-mode name ...), which later scsh programs use
		// (create-temp-file's (file-mode owner-read owner-write))
		{`(map (lambda (m) (number->string m 8)) (list (file-mode owner-read owner-write) (file-mode owner) (file-mode set-uid owner-read group-write other-exec) (file-mode read write) (file-mode all) (file-mode group other)))`, `("600" "700" "4421" "666" "777" "77")`, ""},
		{`(list (file-mode? (file-mode owner-read group-write)) (file-mode<=? (file-mode owner-read) (file-mode owner)) (file-mode? 'mode0))`, `(#t #t #f)`, ""},
		{`(file-mode owner-read 'sideways)`, "", "argument 2 (name): expected a file mode name"},
		{`(list (integer? (file-mode "/")) (= (file-mode "/") (file-mode "/" #t)))`, "(#t #t)", ""},
		{`(file-mode "/" #t #t)`, "", "expected a file and an optional chase? flag"},
	})
}

// A file port has a descriptor: port->fdes and port->fd give it, and the
// file procedures take it.
func TestFilePortDescriptor(t *testing.T) {
	dir := t.TempDir()
	name := `"` + filepath.Join(dir, "f") + `"`
	runScshCases(t, []scshCase{
		{`(let ((p (open-output-file ` + name + `))) (write-string "abc" p) (force-output p) (let ((fd (port->fd p))) (let ((r (list (= fd (port->fdes p)) (file-size fd) (file-type fd)))) (close p) r)))`, `(#t 3 regular)`, ""},
		{`(port->fdes (open-input-string "x"))`, "", "not over a file descriptor"},
	})
}
