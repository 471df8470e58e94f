;; loaded by r7rs-6.12-environment.scm in an environment that names double
(set! load-env-result (double 21))
