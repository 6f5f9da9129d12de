; A select with a default case directly in a loop body; the check keeps
; `for { … }` loops whose default is empty and that nothing else slows down.
(for_statement
  body: (block
    (statement_list
      (select_statement
        (default_case) @report)))) @loop
