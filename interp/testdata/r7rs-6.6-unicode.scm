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
;; full case mappings that expand to several characters (SpecialCasing)
(test "\x1F08;\x0399;" (string-upcase "\x1F80;"))      ; ᾀ → ἈΙ
(test "\x1F08;\x0399;" (string-upcase "\x1F88;"))      ; ᾈ (title case) → ἈΙ
(test "\x03A9;\x0342;\x0399;" (string-upcase "\x1FF7;"))
(test "\x03A5;\x0313;" (string-upcase "\x1F50;"))
(test "\x1F00;\x03B9;" (string-foldcase "\x1F88;"))
(test "SS" (string-upcase "\x00DF;"))
(test "\x00DF;" (string (char-upcase #\x00DF)))      ; char-upcase is the simple mapping
;; Cherokee folds to its capital letters
(test #\x13F0 (char-foldcase #\x13F8))
(test #\x13A0 (char-foldcase #\xAB70))
(test #\x13A0 (char-foldcase #\x13A0))
(test "\x13A0;\x13F0;" (string-foldcase "\xAB70;\x13F8;"))
(test #t (string-ci=? "\xAB70;" "\x13A0;"))
(test #t (char-ci=? #\xAB70 #\x13A0))
