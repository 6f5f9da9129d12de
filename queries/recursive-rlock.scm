; Every x.RLock() call without arguments; the check looks for calls, while
; it is held, to methods of the same receiver that read-lock it again.
(call_expression
  function: (selector_expression
    field: (field_identifier) @_method (#eq? @_method "RLock"))
  arguments: (argument_list)) @report
