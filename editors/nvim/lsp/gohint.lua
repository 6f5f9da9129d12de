-- gohint for Neovim 0.11+'s vim.lsp.config / vim.lsp.enable, and for
-- nvim-lspconfig (which reads the same lsp/<name>.lua configs):
--   vim.lsp.enable("gohint")
--   vim.lsp.config("gohint", { settings = { gohint = { rules = { ["double-close"] = "warning" } } } })
-- Self-contained: it does not need the rest of this plugin.

--- The server's "Explain <rule>" code actions run `gohint.explain`: answered
--- here, with `gohint --explain <rule>` shown in a floating window.
local function explain(command, ctx)
  local slug = (command.arguments or {})[1]
  local client = ctx and ctx.client_id and vim.lsp.get_client_by_id(ctx.client_id)
  local bin = client and client.config.cmd and client.config.cmd[1] or "gohint"
  if type(slug) ~= "string" then
    return
  end
  local lines = vim.fn.systemlist({ bin, "--explain", slug })
  if vim.v.shell_error ~= 0 then
    vim.notify("gohint --explain " .. slug .. ": " .. table.concat(lines, "\n"), vim.log.levels.ERROR)
    return
  end
  vim.lsp.util.open_floating_preview(lines, "markdown", {
    border = "rounded",
    max_width = math.min(100, math.floor(vim.o.columns * 0.8)),
    max_height = math.floor(vim.o.lines * 0.8),
    focus_id = "gohint-explain",
  })
end

--- The server's "Quiz me on this" code actions run `gohint.quiz`: answered
--- with vim.ui.select by this plugin's lua/gohint when it is on the runtime path.
local function quiz(command, ctx)
  local ok, gohint = pcall(require, "gohint")
  if ok then
    return gohint.quiz_command(command, ctx)
  end
  vim.notify("gohint: the quiz needs the gohint plugin's lua/gohint on the runtime path", vim.log.levels.WARN)
end

return {
  cmd = { "gohint" },
  filetypes = { "go", "gomod" },
  root_markers = { "go.mod", "gohint.toml", ".git" },
  settings = { gohint = {} },
  commands = { ["gohint.explain"] = explain, ["gohint.quiz"] = quiz },
  before_init = function(params, config)
    -- The server reads its settings at startup from initializationOptions.
    params.initializationOptions = (config.settings or {}).gohint
  end,
}
