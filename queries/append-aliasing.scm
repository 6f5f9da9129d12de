; append whose first argument is a plain variable; the check looks at what
; receives the result.
(call_expression
  function: (identifier) @_append
  arguments: (argument_list . (identifier) @slice)
  (#eq? @_append "append")) @report
