; Every deferred x.Lock() / x.RLock(); the check looks for the acquire it
; repeats.
(defer_statement
  (call_expression
    function: (selector_expression
      field: (field_identifier) @_method (#any-of? @_method "Lock" "RLock"))
    arguments: (argument_list)) @call) @report
