; A goroutine started from a func literal; the check looks for its sends on
; an unbuffered channel of the enclosing function that a select may abandon.
(go_statement
  (call_expression
    function: (func_literal) @lit)) @report
