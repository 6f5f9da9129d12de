; `case <-time.After(d):` in a select; the check keeps those inside a loop.
(communication_case
  communication: (receive_statement
    right: (unary_expression
      operand: (call_expression
        function: (selector_expression
          operand: (identifier) @_pkg
          field: (field_identifier) @_fn)) @report))
  (#eq? @_pkg "time")
  (#eq? @_fn "After"))
