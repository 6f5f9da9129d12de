; Every top-level function, method and package-level var declaration: the
; check walks each once, with its local scope, for copies of a lock.
(function_declaration) @report
(method_declaration) @report
(source_file (var_declaration) @report)
