; Every `go func(…) { … }(…)`: the check looks in the literal for calls of
; Fatal, FailNow, Skip… on the *testing.T (B, F, TB) of the function that
; starts it.
(go_statement
  (call_expression
    function: (func_literal) @lit)) @report
