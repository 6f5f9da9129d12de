; runtime.GOMAXPROCS with one argument; the check wants runtime.NumCPU().
(call_expression
  function: (selector_expression
    operand: (identifier) @_rt (#eq? @_rt "runtime")
    field: (field_identifier) @_max (#eq? @_max "GOMAXPROCS"))
  arguments: (argument_list . (_) @arg .)) @report
