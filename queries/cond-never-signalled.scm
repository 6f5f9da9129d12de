; Every x.Wait() call: the check asks whether x is a sync.Cond that
; nothing in its function or package ever signals or broadcasts.
(call_expression
  function: (selector_expression
    operand: (_) @cond
    field: (field_identifier) @_method (#eq? @_method "Wait"))
  arguments: (argument_list)) @report
