; A single-value receive assigned to one variable: `v := <-ch`, `v = <-ch`,
; or a select case `case v := <-ch:`; the check keeps those in an endless
; loop that nothing leaves.
(short_var_declaration
  left: (expression_list . (identifier) .)
  right: (expression_list . (unary_expression operator: "<-") @receive .)) @report
(assignment_statement
  left: (expression_list . (identifier) .)
  right: (expression_list . (unary_expression operator: "<-") @receive .)) @report
(receive_statement
  left: (expression_list . (identifier) .)
  right: (unary_expression) @receive) @report
