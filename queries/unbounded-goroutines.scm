; Every go statement; the check keeps those in a loop with no bound.
(go_statement) @report
