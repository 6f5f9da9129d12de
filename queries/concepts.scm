; Go constructs the corpus explains. Each capture names a concept of
; src/concepts/table.rs and marks the span a hover answers on: a keyword,
; an operator, a callee or a type name, never a whole block.
; Captures starting with `_` only feed predicates.

(go_statement "go" @go-statement)

(call_expression
  function: (identifier) @make-chan (#eq? @make-chan "make")
  arguments: (argument_list . (channel_type)))

(channel_type) @channel-type

(send_statement "<-" @channel-send)

(unary_expression operator: "<-" @channel-receive)

(call_expression function: (identifier) @close (#eq? @close "close"))

(select_statement "select" @select)

(defer_statement "defer" @defer)

(call_expression function: (identifier) @panic (#eq? @panic "panic"))

(call_expression function: (identifier) @recover (#eq? @recover "recover"))

(call_expression function: (identifier) @append (#eq? @append "append"))

((qualified_type
   package: (package_identifier) @_pkg
   name: (type_identifier) @_type) @sync-mutex
 (#eq? @_pkg "sync") (#eq? @_type "Mutex"))

((qualified_type
   package: (package_identifier) @_pkg
   name: (type_identifier) @_type) @sync-rwmutex
 (#eq? @_pkg "sync") (#eq? @_type "RWMutex"))

((qualified_type
   package: (package_identifier) @_pkg
   name: (type_identifier) @_type) @sync-waitgroup
 (#eq? @_pkg "sync") (#eq? @_type "WaitGroup"))

((qualified_type
   package: (package_identifier) @_pkg
   name: (type_identifier) @_type) @sync-once
 (#eq? @_pkg "sync") (#eq? @_type "Once"))

((qualified_type
   package: (package_identifier) @_pkg
   name: (type_identifier) @_type) @sync-cond
 (#eq? @_pkg "sync") (#eq? @_type "Cond"))

((call_expression
   function: (selector_expression
     operand: (identifier) @_pkg
     field: (field_identifier) @_fn) @context-with)
 (#eq? @_pkg "context")
 (#any-of? @_fn "WithCancel" "WithCancelCause" "WithTimeout" "WithTimeoutCause" "WithDeadline" "WithDeadlineCause" "WithValue" "WithoutCancel"))

((call_expression
   function: (selector_expression operand: (identifier) @_pkg) @atomic)
 (#eq? @_pkg "atomic"))

((qualified_type package: (package_identifier) @_pkg) @atomic
 (#eq? @_pkg "atomic"))
