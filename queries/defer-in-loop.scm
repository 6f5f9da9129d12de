; Every defer statement; the check looks for a loop between it and its
; function.
(defer_statement) @report
