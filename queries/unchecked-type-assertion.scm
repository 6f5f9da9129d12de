; Every type assertion x.(T) (a type switch's x.(type) is another node).
(type_assertion_expression
  operand: (_) @operand
  type: (_) @type) @report
