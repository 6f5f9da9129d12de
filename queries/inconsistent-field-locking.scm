; Every method declaration: the check compares how it accesses its
; receiver's fields with how the type's other methods, in every file of
; the package, do.
(method_declaration) @report
