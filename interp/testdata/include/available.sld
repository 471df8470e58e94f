;; a library that is only looked for: r7rs-5.6-libraries.scm asks
;; cond-expand whether it is available
(define-library (include available)
  (import (scheme base))
  (export available-value)
  (begin (define available-value 'loaded)))
