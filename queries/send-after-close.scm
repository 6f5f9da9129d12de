; Every send, also as a `select` case; the check looks back for a close of
; the same channel on the path to it.
(send_statement
  channel: (_) @channel) @report
