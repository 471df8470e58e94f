;;; enums.scm: installed as a group of its own, when one of its names is
;;; first referred to (most programs never use them, and its record types
;;; and macros are evaluated when it is installed).

;;; Scheme48's finite types (structure finite-types: define-enumerated-type)
;;; and enum sets (structure enum-sets: define-enum-set-type and the set
;;; operations). An element knows its type by the type's token (a fresh
;;; pair), not by the type itself, so that printing an element does not
;;; walk the type's vector of elements. A set is a bit mask over the
;;; elements' indexes.
(define-record-type %finite-type
  (%make-finite-type-record token name elements)
  %finite-type?
  (token %finite-type-token)
  (name %finite-type-name)
  (elements %finite-type-elements %set-finite-type-elements!))

(define-record-type %finite-element
  (%make-finite-element token type-name name index)
  %finite-element?
  (token %finite-element-token)
  (type-name %finite-element-type-name)
  (name %finite-element-name)
  (index %finite-element-index))

(define (%make-finite-type type-name names)
  (let ((type (%make-finite-type-record (list type-name) type-name #f)))
    (let loop ((names names) (i 0) (acc '()))
      (if (null? names)
          (%set-finite-type-elements! type (list->vector (reverse acc)))
          (loop (cdr names) (+ i 1)
                (cons (%make-finite-element (%finite-type-token type) type-name (car names) i) acc))))
    type))

(define (%finite-type-element type name)
  (let ((v (%finite-type-elements type)))
    (let loop ((i 0))
      (cond ((= i (vector-length v))
             (error "no such element of the enumerated type" (%finite-type-name type) name))
            ((eq? (%finite-element-name (vector-ref v i)) name) (vector-ref v i))
            (else (loop (+ i 1)))))))

(define (%finite-element-of? type x)
  (and (%finite-element? x) (eq? (%finite-element-token x) (%finite-type-token type))))

(define (%finite-element-of type who x)
  (if (%finite-element-of? type x)
      x
      (error (string-append (symbol->string who) ": not an element of the enumerated type")
             (%finite-type-name type) x)))

(define-syntax define-enumerated-type
  (syntax-rules ()
    ((_ id type-name predicate elements name-ref index-ref (component ...))
     (begin
       (define type-name (%make-finite-type 'id '(component ...)))
       (define elements (%finite-type-elements type-name))
       (define (predicate x)
         (%finite-element-of? type-name x))
       (define (name-ref x)
         (%finite-element-name (%finite-element-of type-name 'name-ref x)))
       (define (index-ref x)
         (%finite-element-index (%finite-element-of type-name 'index-ref x)))
       (define-syntax id
         (syntax-rules ()
           ((_ name) (%finite-type-element type-name 'name))))))))

(define-record-type %enum-set-type
  (%make-enum-set-type name predicate elements index-ref)
  %enum-set-type?
  (name %enum-set-type-name)
  (predicate %enum-set-type-predicate)
  (elements %enum-set-type-elements)
  (index-ref %enum-set-type-index-ref))

(define-record-type %enum-set
  (%make-enum-set type mask)
  %enum-set?
  (type %enum-set-type)
  (mask %enum-set-mask))

;; a procedure definition, not the record type's predicate: the names the
;; group binds are found when popsh is built from its definitions
(define (enum-set? x) (%enum-set? x))

(define (%elements->enum-set type elements)
  (let ((ok? (%enum-set-type-predicate type))
        (index (%enum-set-type-index-ref type)))
    (let loop ((l elements) (mask 0))
      (cond ((null? l) (%make-enum-set type mask))
            ((ok? (car l))
             (loop (cdr l) (bitwise-ior mask (arithmetic-shift 1 (index (car l))))))
            (else (error "not an element of the enum set's type"
                         (%enum-set-type-name type) (car l)))))))

(define-syntax define-enum-set-type
  (syntax-rules ()
    ((_ id type-name predicate constructor element-syntax element-predicate elements index-ref)
     (begin
       (define type-name (%make-enum-set-type 'id element-predicate elements index-ref))
       (define (predicate x) (and (enum-set? x) (eq? (%enum-set-type x) type-name)))
       (define (constructor elts) (%elements->enum-set type-name elts))
       (define-syntax id
         (syntax-rules ()
           ((_ name (... ...))
            (%elements->enum-set type-name (list (element-syntax name) (... ...))))))))))

(define (%enum-set-check who set)
  (if (not (enum-set? set))
      (error (string-append (symbol->string who) ": not an enum set") set)))

(define (%enum-set-same-type who a b)
  (%enum-set-check who a)
  (%enum-set-check who b)
  (if (not (eq? (%enum-set-type a) (%enum-set-type b)))
      (error (string-append (symbol->string who) ": enum sets of different types") a b)))

(define (enum-set->list set)
  (%enum-set-check 'enum-set->list set)
  (let ((v (%enum-set-type-elements (%enum-set-type set)))
        (mask (%enum-set-mask set)))
    (let loop ((i (- (vector-length v) 1)) (acc '()))
      (cond ((< i 0) acc)
            ((odd? (arithmetic-shift mask (- i))) (loop (- i 1) (cons (vector-ref v i) acc)))
            (else (loop (- i 1) acc))))))

(define (enum-set-member? set element)
  (%enum-set-check 'enum-set-member? set)
  (let ((type (%enum-set-type set)))
    (if (not ((%enum-set-type-predicate type) element))
        (error "enum-set-member?: not an element of the enum set's type"
               (%enum-set-type-name type) element))
    (odd? (arithmetic-shift (%enum-set-mask set)
                            (- ((%enum-set-type-index-ref type) element))))))

(define (enum-set=? a b)
  (%enum-set-same-type 'enum-set=? a b)
  (= (%enum-set-mask a) (%enum-set-mask b)))

(define (enum-set-union a b)
  (%enum-set-same-type 'enum-set-union a b)
  (%make-enum-set (%enum-set-type a) (bitwise-ior (%enum-set-mask a) (%enum-set-mask b))))

(define (enum-set-intersection a b)
  (%enum-set-same-type 'enum-set-intersection a b)
  (%make-enum-set (%enum-set-type a) (bitwise-and (%enum-set-mask a) (%enum-set-mask b))))

(define (enum-set-negation set)
  (%enum-set-check 'enum-set-negation set)
  (let ((n (vector-length (%enum-set-type-elements (%enum-set-type set)))))
    (%make-enum-set (%enum-set-type set)
                    (bitwise-and (- (arithmetic-shift 1 n) 1)
                                 (bitwise-not (%enum-set-mask set))))))

(%record-set-discloser! %finite-element
  (lambda (e) (list (%finite-element-type-name e) (%finite-element-name e))))
(%record-set-discloser! %enum-set
  (lambda (s) (cons (%enum-set-type-name (%enum-set-type s))
                    (map (lambda (e) (if (%finite-element? e) (%finite-element-name e) e))
                         (enum-set->list s)))))
