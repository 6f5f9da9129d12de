-- gohint for Neovim 0.11+'s vim.lsp.config / vim.lsp.enable:
--   vim.lsp.enable("gohint")
--   vim.lsp.config("gohint", { settings = { gohint = { rules = { ["double-close"] = "warning" } } } })
return {
  cmd = { "gohint" },
  filetypes = { "go", "gomod" },
  root_markers = { "go.mod", "gohint.toml", ".git" },
  settings = { gohint = {} },
  before_init = function(params, config)
    -- The server reads its settings at startup from initializationOptions.
    params.initializationOptions = (config.settings or {}).gohint
  end,
}
