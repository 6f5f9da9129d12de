; A range loop whose body appends to a slice variable as one of its own
; statements: `for … range xs { … s = append(s, v) … }`.
(for_statement
  (range_clause right: (_) @range)
  body: (block
    (statement_list
      (assignment_statement
        left: (expression_list . (identifier) @slice .)
        right: (expression_list
          .
          (call_expression
            function: (identifier) @_append (#eq? @_append "append")
            arguments: (argument_list . (identifier) @_base . (_) .))
          .)) @append))
  (#eq? @slice @_base)) @report
