;; R7RS 6.6 characters and 6.7 strings: the Unicode properties and the
;; final-sigma rule
(test #t (char-lower-case? #\x00AA))    ; feminine ordinal: Other_Lowercase
(test #t (char-lower-case? #\x02B0))    ; modifier small h: Other_Lowercase
(test #t (char-upper-case? #\x24B6))    ; circled A: Other_Uppercase
(test #t (char-alphabetic? #\x2160))    ; roman numeral one: a letter number
(test #t (char-alphabetic? #\x0345))    ; combining iota: Other_Alphabetic
(test #f (char-alphabetic? #\1))
(test #f (char-upper-case? #\a))
(test #f (char-lower-case? #\A))
;; capital sigma is final only where no cased letter follows, case-ignorable
;; characters (apostrophes, periods, marks) not counting
(test "χαος" (string-downcase "ΧΑΟΣ"))
(test "χαος." (string-downcase "ΧΑΟΣ."))
(test "aσ'x" (string-downcase "AΣ'x"))
(test "aς' x" (string-downcase "AΣ' x"))
(test "a'ς" (string-downcase "A'Σ"))
(test "σ" (string-downcase "Σ"))
(test "'σ" (string-downcase "'Σ"))
(test "σσς" (string-downcase "ΣΣΣ"))
