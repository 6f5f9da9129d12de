; A channel made unbuffered in a declaration: `ch := make(chan T)`,
; `ch := make(chan T, 0)`, `var ch = make(chan T)`. The check follows it
; through the rest of its block to its first blocking operation.
(short_var_declaration
  right: (expression_list
    (call_expression
      function: (identifier) @_make (#eq? @_make "make")
      arguments: (argument_list . (channel_type) . (int_literal)? @_cap .)) @make)
  (#any-of? @_cap "0")) @report

(var_spec
  value: (expression_list
    (call_expression
      function: (identifier) @_make (#eq? @_make "make")
      arguments: (argument_list . (channel_type) . (int_literal)? @_cap .)) @make)
  (#any-of? @_cap "0")) @report
