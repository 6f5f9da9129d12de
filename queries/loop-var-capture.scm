; Func literals that may run after their loop iteration: started by `go`,
; deferred, or passed to an errgroup's Go or a subtest's Run. The check
; finds the loop variables they use (only before Go 1.22).
(go_statement
  (call_expression
    function: (func_literal) @lit)) @report
(defer_statement
  (call_expression
    function: (func_literal) @lit)) @report
(call_expression
  function: (selector_expression
    field: (field_identifier) @_method)
  arguments: (argument_list (func_literal) @lit)
  (#any-of? @_method "Go" "Run")) @report
