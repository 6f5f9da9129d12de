; A channel made with a constant capacity in a declaration:
; `ch := make(chan T, 3)`, `var ch = make(chan T, 3)`. The check counts the
; sends that follow it in the same goroutine.
(short_var_declaration
  right: (expression_list
    (call_expression
      function: (identifier) @_make (#eq? @_make "make")
      arguments: (argument_list . (channel_type) . (int_literal) .)) @make)) @report

(var_spec
  value: (expression_list
    (call_expression
      function: (identifier) @_make (#eq? @_make "make")
      arguments: (argument_list . (channel_type) . (int_literal) .)) @make)) @report
