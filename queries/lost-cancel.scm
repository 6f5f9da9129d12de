; context.WithCancel/WithTimeout/WithDeadline (and their Cause variants);
; the check looks at what receives the cancel function.
(call_expression
  function: (selector_expression
    operand: (identifier) @_pkg
    field: (field_identifier) @_fn)
  (#eq? @_pkg "context")
  (#any-of? @_fn "WithCancel" "WithTimeout" "WithDeadline" "WithCancelCause" "WithTimeoutCause" "WithDeadlineCause")) @report
