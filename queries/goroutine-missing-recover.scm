; Every goroutine started on a func literal: `go func(){…}()`.
(go_statement
  (call_expression
    function: (func_literal body: (block) @body))) @report
