; Every x.Lock() / x.RLock() call without arguments; the check looks at the
; statement right after it.
(call_expression
  function: (selector_expression
    field: (field_identifier) @_method (#any-of? @_method "Lock" "RLock"))
  arguments: (argument_list)) @report
