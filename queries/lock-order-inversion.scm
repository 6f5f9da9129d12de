; Every method: the check reads, from the method summaries of its type in
; the whole package, which of the receiver's mutexes it locks while holding
; another (directly or through a call of the receiver), and looks for a
; method that locks the same two the other way round.
(method_declaration) @report
