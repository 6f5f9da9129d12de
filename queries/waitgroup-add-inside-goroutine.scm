; Every x.Add(n) call that is a statement inside a `go func() { … }()`
; literal; the check decides whether x is the WaitGroup counting it.
(go_statement
  (call_expression
    function: (func_literal
      body: (block
        (statement_list
          (expression_statement
            (call_expression
              function: (selector_expression
                field: (field_identifier) @_add (#eq? @_add "Add"))
              arguments: (argument_list (_))) @report)))))) @go
