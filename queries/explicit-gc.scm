; runtime.GC()
(call_expression
  function: (selector_expression
    operand: (identifier) @_rt (#eq? @_rt "runtime")
    field: (field_identifier) @_gc (#eq? @_gc "GC"))
  arguments: (argument_list) @args) @report
