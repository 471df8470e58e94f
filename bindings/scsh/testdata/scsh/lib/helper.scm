(define (helper-greeting who) (string-append "hello, " who))
