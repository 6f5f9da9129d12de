; Every go statement: the check keeps those that start a method on one
; receiver more than once at a time (in a loop, or twice in a block) and
; follows the method's field writes across the files of the package.
(go_statement) @report
