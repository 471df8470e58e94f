#!/usr/local/bin/scsh -s
!#
;; A script with scsh's #! header, and the module forms of ecm-net drivers.
(define-interface greeter-interface (export greet))
(define-structure greeter greeter-interface
  (open scsh scheme)
  (files "testdata/scsh/lib/helper")
  (begin
    (define (greet) (helper-greeting "world"))))
(display (greet)) (newline)
#!
this is a scsh block comment in the middle of a file
!#
(display "after the block comment") (newline)
