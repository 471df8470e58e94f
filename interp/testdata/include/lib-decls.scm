;; library declarations included by r7rs-5.6-libraries.scm
(export decl-value)
(begin (define decl-value 'from-included-declarations))
