; Every close(x) call; the check looks for another close of the same channel
; on the same path, or for a close repeated by a loop.
(call_expression
  function: (identifier) @_close (#eq? @_close "close")
  arguments: (argument_list . (_) @channel .)) @report
