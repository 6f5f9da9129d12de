; Every x.Lock() / x.RLock() call without arguments; the check looks for an
; earlier acquire of the same mutex still held on this path, and for calls
; to methods that lock it again while it is held.
(call_expression
  function: (selector_expression
    field: (field_identifier) @_method (#any-of? @_method "Lock" "RLock"))
  arguments: (argument_list)) @report
