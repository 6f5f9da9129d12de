; `var m map[K]V` with no value: the check looks for writes to the nil map.
(var_spec
  type: (map_type)
  !value) @report
