; Every recover() call; the check asks whether the function that calls it
; directly is the one a defer statement runs.
(call_expression
  function: (identifier) @_recover (#eq? @_recover "recover")
  arguments: (argument_list) @args) @report
