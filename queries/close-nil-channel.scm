; A channel variable declared without a value: `var ch chan T`. The check
; looks for closes of it when nothing ever assigns it.
(var_spec
  type: (channel_type)
  !value) @report
