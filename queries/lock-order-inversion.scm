; Every method and function: the check reads, from the summaries of the
; whole package, which of the receiver's mutexes (for a method) and which
; package-level mutexes it locks while holding another (directly or
; through a call), and looks for a method or function that locks the same
; two the other way round.
(method_declaration) @report
(function_declaration) @report
