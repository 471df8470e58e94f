package interp

import "sync"

// The standard library's tables (the built-in procedures, the stubs of the
// lazy Scheme definitions, the doc lines) are built when an interpreter
// first binds the library, once per process, not at package
// initialization: a process that never binds it (popsh -c 1) never builds
// them.
var libraryOnce sync.Once

// setUpLibrary builds the library's tables unless that is done.
func setUpLibrary() {
	libraryOnce.Do(func() {
		builtins = make([]*Primitive, 0, 512)
		preludeForms = splitPrelude()
		libForms = splitLibForms()
		registerPrelude()
		initControl()
		initLibraryDocs()
		initSyntaxDocs()
		initChars()
		initEquiv()
		initIO()
		registerLibForms()
		initLists()
		initListHelpers()
		initStrings()
		initVectors()
		initNumbers()
		initReadLimit()
		initThreadPrims()
	})
}
