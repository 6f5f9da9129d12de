; Every method declaration: the check looks for plain reads and writes of
; receiver fields that a method of the same type, in any file of the
; package, accesses through sync/atomic.
(method_declaration) @report
