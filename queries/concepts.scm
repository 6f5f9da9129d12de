; Go constructs the corpus explains. Each capture names a concept of
; src/concepts/table.rs and marks the span a hover answers on: a keyword,
; an operator, a callee or a type name, never a whole block.
; Captures starting with `_` only feed predicates.

(go_statement "go" @go-statement)

(channel_type) @channel-type

(send_statement "<-" @channel-send)

(unary_expression operator: "<-" @channel-receive)

; Only a range over a channel (src/concepts/range_channel.rs decides).
(range_clause "range" @range-channel)

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

((qualified_type
   package: (package_identifier) @_pkg
   name: (type_identifier) @_type) @sync-pool
 (#eq? @_pkg "sync") (#eq? @_type "Pool"))

((qualified_type
   package: (package_identifier) @_pkg
   name: (type_identifier) @_type) @sync-map
 (#eq? @_pkg "sync") (#eq? @_type "Map"))

((selector_expression
   operand: (identifier) @_pkg
   field: (field_identifier) @_fn) @sync-cond
 (#eq? @_pkg "sync") (#eq? @_fn "NewCond"))

((qualified_type
   package: (package_identifier) @_pkg
   name: (type_identifier) @_type) @context
 (#eq? @_pkg "context") (#eq? @_type "Context"))

((selector_expression
   operand: (identifier) @_pkg
   field: (field_identifier) @_fn) @context
 (#eq? @_pkg "context") (#any-of? @_fn "Background" "TODO" "Cause" "AfterFunc"))

; Later patterns are more specific: on equal spans, the later one answers.

(call_expression function: (identifier) @make (#eq? @make "make"))

(call_expression
  function: (identifier) @make-chan (#eq? @make-chan "make")
  arguments: (argument_list . (channel_type)))

(call_expression
  function: (identifier) @semaphore (#eq? @semaphore "make")
  arguments: (argument_list . (channel_type value: (struct_type)) . (_)))

(call_expression function: (identifier) @new (#eq? @new "new"))

(unary_expression operator: "&" @escape operand: (composite_literal))

(map_type "map" @map)

(slice_type) @slice-type

(interface_type) @interface

((interface_type) @empty-interface
 (#match? @empty-interface "^interface\\s*\\{\\s*\\}$"))

((type_identifier) @empty-interface (#eq? @empty-interface "any"))

(type_assertion_expression) @type-assertion

(type_switch_statement "switch" @type-switch)

(type_spec type: (struct_type "struct" @struct))

(field_declaration !name type: (_) @embedded-field)

(method_declaration receiver: (parameter_list) @method)

(method_declaration
  receiver: (parameter_list
    (parameter_declaration type: (pointer_type) @pointer-receiver)))

(type_parameter_list) @generics

(type_arguments) @generics

(function_declaration name: (identifier) @init-func (#eq? @init-func "init"))

(function_declaration name: (identifier) @main-package (#eq? @main-package "main"))

(package_clause (package_identifier) @main-package (#eq? @main-package "main"))

(func_literal "func" @func-literal)

(function_type) @function-type

((type_identifier) @error-type (#eq? @error-type "error"))

((binary_expression
   left: (identifier) @_err
   right: (nil)) @err-check
 (#eq? @_err "err"))

((selector_expression operand: (identifier) @_pkg) @error-type
 (#eq? @_pkg "errors"))

((type_identifier) @basic-type
 (#any-of? @basic-type "bool" "string" "int" "int8" "int16" "int32" "int64" "uint" "uint8" "uint16" "uint32" "uint64" "uintptr" "byte" "rune" "float32" "float64" "complex64" "complex128"))

(import_spec path: (_) @import)

((import_spec path: (_) @distributed-lock)
 (#match? @distributed-lock "redis|etcd|zookeeper|consul|redsync|zk"))

; A pattern rooted at the file may capture only a top-level comment: a hover
; runs such patterns there only (src/concepts/mod.rs, `at`).
(source_file
  (comment) @doc-comment
  .
  [(function_declaration) (method_declaration) (type_declaration) (package_clause)])

((comment) @build-constraint (#match? @build-constraint "^//( )?(go:build|\\+build)"))

((selector_expression
   operand: (identifier) @_pkg
   field: (field_identifier) @_f) @build-constraint
 (#eq? @_pkg "runtime") (#any-of? @_f "GOOS" "GOARCH"))

((selector_expression
   operand: (identifier) @_pkg
   field: (field_identifier) @_f) @gc
 (#any-of? @_pkg "runtime" "debug")
 (#any-of? @_f "GC" "SetGCPercent" "SetMemoryLimit" "ReadMemStats" "MemStats" "FreeOSMemory" "KeepAlive" "SetFinalizer"))

((interpreted_string_literal) @gc (#any-of? @gc "\"GOGC\"" "\"GOMEMLIMIT\""))

((selector_expression
   operand: (identifier) @_pkg
   field: (field_identifier) @_f) @scheduler
 (#eq? @_pkg "runtime")
 (#any-of? @_f "GOMAXPROCS" "Gosched" "NumGoroutine" "NumCPU" "LockOSThread" "UnlockOSThread" "Goexit"))

((selector_expression operand: (identifier) @_pkg) @profiling
 (#any-of? @_pkg "pprof" "trace"))

((selector_expression operand: (identifier) @_pkg) @errgroup
 (#eq? @_pkg "errgroup"))

((qualified_type package: (package_identifier) @_pkg) @errgroup
 (#eq? @_pkg "errgroup"))

((selector_expression operand: (identifier) @_pkg) @unsafe
 (#eq? @_pkg "unsafe"))

((qualified_type package: (package_identifier) @_pkg) @unsafe
 (#eq? @_pkg "unsafe"))

((selector_expression operand: (identifier) @_pkg) @reflect
 (#eq? @_pkg "reflect"))

((qualified_type package: (package_identifier) @_pkg) @reflect
 (#eq? @_pkg "reflect"))

((selector_expression operand: (identifier) @_pkg) @fmt
 (#eq? @_pkg "fmt"))

((selector_expression operand: (identifier) @_pkg) @os
 (#eq? @_pkg "os"))

((qualified_type package: (package_identifier) @_pkg) @os
 (#eq? @_pkg "os"))

((selector_expression
   operand: (identifier) @_pkg
   field: (field_identifier) @_f) @config
 (#eq? @_pkg "os") (#any-of? @_f "Getenv" "LookupEnv" "Environ"))

((selector_expression operand: (identifier) @_pkg) @config
 (#any-of? @_pkg "flag" "viper" "envconfig"))

((selector_expression operand: (identifier) @_pkg) @io
 (#any-of? @_pkg "io" "bufio"))

((qualified_type package: (package_identifier) @_pkg) @io
 (#any-of? @_pkg "io" "bufio"))

((qualified_type
   package: (package_identifier) @_pkg
   name: (type_identifier) @_type) @efficiency
 (#any-of? @_pkg "strings" "bytes") (#any-of? @_type "Builder" "Buffer"))

((qualified_type package: (package_identifier) @_pkg) @testing
 (#eq? @_pkg "testing"))

(function_declaration
  name: (identifier) @testing
  (#match? @testing "^(Test|Benchmark|Fuzz|Example)"))

((function_declaration
  name: (identifier) @benchmark)
 (#match? @benchmark "^Benchmark"))

(call_expression
  function: (selector_expression field: (field_identifier) @table-test (#eq? @table-test "Run"))
  arguments: (argument_list . (_) . (func_literal) .))

(composite_literal type: (slice_type element: (struct_type)) @table-test)

((call_expression
   function: (selector_expression field: (field_identifier) @lock))
 (#any-of? @lock "Lock" "RLock" "TryLock" "TryRLock"))
