-- :GohintExplain [slug] — explain a gohint rule (default: the one under the cursor).
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
