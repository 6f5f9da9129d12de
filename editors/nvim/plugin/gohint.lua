-- :GohintExplain [slug] — explain a gohint rule (default: the one under the cursor).
-- :GohintConcepts[!] — the constructs of the buffer the corpus explains, in the
--   quickfix list (with !, the location list).
-- :GohintQuiz [concept] — a quiz question on a construct (default: the one under the cursor).
if vim.g.loaded_gohint then
  return
end
vim.g.loaded_gohint = true

vim.api.nvim_create_user_command("GohintExplain", function(opts)
  require("gohint").explain(opts.args)
end, {
  nargs = "?",
  desc = "Explain a gohint rule (default: the diagnostic under the cursor)",
  complete = function(lead)
    return vim.tbl_filter(function(slug)
      return slug:sub(1, #lead) == lead
    end, require("gohint").rule_slugs())
  end,
})

vim.api.nvim_create_user_command("GohintConcepts", function(opts)
  require("gohint").concepts({ loclist = opts.bang })
end, {
  bang = true,
  desc = "List the constructs of this buffer that the gohint corpus explains (!: in the location list)",
})

vim.api.nvim_create_user_command("GohintQuiz", function(opts)
  require("gohint").quiz(opts.args)
end, {
  nargs = "?",
  desc = "A gohint quiz question on a construct (default: the one under the cursor)",
})
