; A goroutine started from a func literal: `go func() { … }()`, and the
; errgroup form `g.Go(func() error { … })`.
(go_statement
  (call_expression
    function: (func_literal) @lit)) @report

(call_expression
  function: (selector_expression
    field: (field_identifier) @_go)
  arguments: (argument_list . (func_literal) @lit .)
  (#eq? @_go "Go")) @report
