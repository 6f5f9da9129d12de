; Every x.Lock() / x.RLock() call without arguments; the check looks for the
; exits of its function that a path reaches still holding it.
(call_expression
  function: (selector_expression
    field: (field_identifier) @_method (#any-of? @_method "Lock" "RLock"))
  arguments: (argument_list)) @report
