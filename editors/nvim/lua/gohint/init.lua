-- gohint for Neovim: starts the gohint language server for Go buffers,
-- explains rules in a floating window, lists the constructs of a buffer that
-- the corpus explains and quizzes on them. Works on Neovim 0.7 and later.
--
--   require("gohint").setup({
--     cmd = { "gohint" },                          -- the server command
--     settings = { rules = { ["double-close"] = "warning" }, goVersion = "1.22" },
--   })

local M = {}

--- The defaults of `setup()`.
M.defaults = {
  -- The server command; the binary must be on PATH or given by its path.
  cmd = { "gohint" },
  filetypes = { "go", "gomod" },
  -- Files marking a workspace root; the file's folder when none is found.
  root_markers = { "go.mod", "gohint.toml", ".git" },
  -- The server's `gohint` settings section: preset, groups.<group>, rules.<slug>,
  -- tests, generated, goVersion, docsBaseUrl, maxFileSize, maxDiagnostics,
  -- hoverConcepts.
  settings = {},
  -- Passed on to the client.
  on_attach = nil,
  capabilities = nil,
}

--- The command installing gohint, shown when the binary is missing.
M.install_command = "cargo install --locked --git https://github.com/gohint/gohint gohint"

--- The active configuration (defaults until `setup()`).
M.config = vim.deepcopy(M.defaults)

local notified_missing = false

--- Calls a client method: `client:m()` on 0.11+, `client.m()` before.
local function call(client, method, ...)
  if vim.fn.has("nvim-0.11") == 1 then
    return client[method](client, ...)
  end
  return client[method](...)
end

local function notify(msg, level)
  vim.notify("gohint: " .. msg, level or vim.log.levels.INFO)
end

--- `t`, or an empty table that encodes as a JSON object rather than `[]`.
local function object(t)
  if type(t) ~= "table" or vim.tbl_isempty(t) then
    return vim.empty_dict()
  end
  return t
end

--- The `gohint` section of `settings`, which may also be given wrapped as `{ gohint = … }`.
local function section(settings)
  settings = settings or {}
  local s = type(settings.gohint) == "table" and settings.gohint or settings
  s = vim.deepcopy(object(s))
  if s.rules ~= nil then
    s.rules = object(s.rules)
  end
  return s
end

--- The folder holding the nearest of `markers` above `path`, else `path`'s folder.
function M.root_dir(path, markers)
  local dir = vim.fn.fnamemodify(path, ":p:h")
  local current = dir
  while current and current ~= "" do
    for _, marker in ipairs(markers) do
      if (vim.uv or vim.loop).fs_stat(current .. "/" .. marker) then
        return current
      end
    end
    local parent = vim.fn.fnamemodify(current, ":h")
    if parent == current then
      break
    end
    current = parent
  end
  return dir
end

--- Whether the configured command can be run; tells the user how to fix it when not.
function M.executable(cmd)
  cmd = cmd or M.config.cmd
  if vim.fn.executable(cmd[1]) == 1 then
    return true
  end
  if not notified_missing then
    notified_missing = true
    notify(
      string.format(
        "%q not found. Install it with `%s`, or pass its path: require(\"gohint\").setup({ cmd = { \"/path/to/gohint\" } })",
        cmd[1],
        M.install_command
      ),
      vim.log.levels.ERROR
    )
  end
  return false
end

--- The gohint clients attached to `bufnr` (any buffer when nil).
function M.clients(bufnr)
  local found = {}
  local clients
  if vim.lsp.get_clients then
    clients = vim.lsp.get_clients({ bufnr = bufnr, name = "gohint" })
  else
    clients = bufnr and vim.lsp.buf_get_clients(bufnr) or vim.lsp.get_active_clients()
  end
  for _, client in pairs(clients) do
    if client.name == "gohint" and not call(client, "is_stopped") then
      table.insert(found, client)
    end
  end
  return found
end

--- The client configuration for a buffer named `path`.
function M.client_config(path)
  local s = section(M.config.settings)
  return {
    name = "gohint",
    cmd = M.config.cmd,
    root_dir = M.root_dir(path, M.config.root_markers),
    init_options = s,
    settings = { gohint = s },
    on_attach = M.config.on_attach,
    capabilities = M.config.capabilities or vim.lsp.protocol.make_client_capabilities(),
  }
end

--- Starts (or reuses) a gohint client for `bufnr` and attaches it; returns the client id.
function M.start(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  if vim.bo[bufnr].buftype ~= "" or not M.executable() then
    return nil
  end
  local path = vim.api.nvim_buf_get_name(bufnr)
  local config = M.client_config(path ~= "" and path or vim.fn.getcwd() .. "/")
  if vim.lsp.start then
    return vim.lsp.start(config, { bufnr = bufnr })
  end
  -- Neovim 0.7: reuse the client of the same root, else start one.
  for _, client in ipairs(M.clients()) do
    if client.config.root_dir == config.root_dir then
      vim.lsp.buf_attach_client(bufnr, client.id)
      return client.id
    end
  end
  local id = vim.lsp.start_client(config)
  if id then
    vim.lsp.buf_attach_client(bufnr, id)
  end
  return id
end

--- `new` with every key of `old` it lacks set to null: the server merges pushed
--- settings key by key, and a null key returns to the value it had before.
local function with_unset(new, old)
  if type(old) ~= "table" or type(new) ~= "table" or vim.tbl_islist(old) then
    return new
  end
  local out = vim.deepcopy(new)
  for k, v in pairs(old) do
    if out[k] == nil then
      out[k] = vim.NIL
    elseif type(v) == "table" and type(out[k]) == "table" then
      out[k] = with_unset(out[k], v)
    end
  end
  return out
end

--- Replaces the server settings (the `gohint` section) of running clients without a restart.
function M.set_settings(settings)
  local old = section(M.config.settings)
  M.config.settings = settings or {}
  local s = section(M.config.settings)
  local pushed = with_unset(s, old)
  for _, client in ipairs(M.clients()) do
    client.config.settings = { gohint = s }
    call(client, "notify", "workspace/didChangeConfiguration", { settings = { gohint = pushed } })
  end
end

--- The rule slugs `gohint --list-rules` prints.
function M.rule_slugs()
  if not M.executable() then
    return {}
  end
  local slugs = {}
  for _, line in ipairs(vim.fn.systemlist({ M.config.cmd[1], "--list-rules" })) do
    local slug = line:match("^([%w-]+)%s")
    if slug then
      table.insert(slugs, slug)
    end
  end
  return slugs
end

--- The rule of the gohint diagnostic under the cursor (else the first on the cursor line).
function M.rule_at_cursor()
  local bufnr = vim.api.nvim_get_current_buf()
  local row, col = unpack(vim.api.nvim_win_get_cursor(0))
  local on_line
  for _, d in ipairs(vim.diagnostic.get(bufnr, { lnum = row - 1 })) do
    if d.source == "gohint" and d.code then
      local code = type(d.code) == "table" and d.code.value or tostring(d.code)
      local last = d.end_lnum == d.lnum and d.end_col or math.huge
      if col >= d.col and col < math.max(last, d.col + 1) then
        return code
      end
      on_line = on_line or code
    end
  end
  return on_line
end

--- Shows `markdown` in a floating window.
function M.show(markdown)
  local lines = vim.split(markdown, "\n", { plain = true })
  return vim.lsp.util.open_floating_preview(lines, "markdown", {
    border = "rounded",
    max_width = math.min(100, math.floor(vim.o.columns * 0.8)),
    max_height = math.floor(vim.o.lines * 0.8),
    focus_id = "gohint-explain",
  })
end

--- The markdown explanation of rule `slug` from `gohint --explain`, or nil and why not.
function M.explanation(slug, cmd)
  cmd = cmd or M.config.cmd
  if not M.executable(cmd) then
    return nil, string.format("%q not found", cmd[1])
  end
  local lines = vim.fn.systemlist({ cmd[1], "--explain", slug })
  if vim.v.shell_error ~= 0 then
    return nil, table.concat(lines, "\n")
  end
  return table.concat(lines, "\n")
end

--- `:GohintExplain [slug]`: shows the explanation of a rule (default: the one under the cursor).
function M.explain(slug, cmd)
  if slug == nil or slug == "" then
    slug = M.rule_at_cursor()
  end
  if not slug then
    notify("no gohint diagnostic under the cursor; name a rule, e.g. :GohintExplain double-close", vim.log.levels.WARN)
    return
  end
  local markdown, err = M.explanation(slug, cmd)
  if not markdown then
    notify(err, vim.log.levels.ERROR)
    return
  end
  return M.show(markdown)
end

--- The client side of the server's `gohint.explain` command (its "Explain <rule>"
--- code action): shows the explanation with the client's own binary.
function M.explain_command(command, ctx)
  local client = ctx and ctx.client_id and vim.lsp.get_client_by_id(ctx.client_id)
  local cmd = client and client.config.cmd or M.config.cmd
  return M.explain((command.arguments or {})[1], cmd)
end

--- The byte column (0-based) of LSP `position` in `bufnr`, for a client whose
--- positions count in `encoding` ("utf-8", "utf-16" or "utf-32").
local function byte_col(bufnr, position, encoding)
  local line = vim.api.nvim_buf_get_lines(bufnr, position.line, position.line + 1, false)[1] or ""
  if encoding == "utf-8" then
    return math.min(position.character, #line)
  end
  local ok, col
  if vim.fn.has("nvim-0.11") == 1 then
    ok, col = pcall(vim.str_byteindex, line, encoding or "utf-16", position.character, false)
  else
    ok, col = pcall(vim.str_byteindex, line, position.character, encoding ~= "utf-32")
  end
  return ok and col or #line
end

--- Sends `workspace/executeCommand` `command` with `arguments` to `client`
--- (default: the gohint client of `bufnr`); `on_result(result, client)` gets
--- the answer. Reports a missing server or an error instead.
local function execute(bufnr, command, arguments, on_result, client)
  client = client or M.clients(bufnr)[1]
  if not client then
    notify("no gohint server is running for this buffer", vim.log.levels.WARN)
    return false
  end
  local params = { command = command, arguments = arguments }
  call(client, "request", "workspace/executeCommand", params, function(err, result)
    if err then
      notify(command .. ": " .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
      return
    end
    on_result(result, client)
  end, bufnr)
  return true
end

--- Quickfix items for the `gohint.conceptsInFile` result `concepts` of
--- `bufnr`: one per construct, "concept — question", in source order.
function M.concept_items(bufnr, concepts, encoding)
  local items = {}
  for _, c in ipairs(type(concepts) == "table" and concepts or {}) do
    local start = c.range and c.range.start
    if start then
      local question = c.question
      if type(question) ~= "string" then
        question = (c.questions or {})[1] or ""
      end
      table.insert(items, {
        bufnr = bufnr,
        lnum = start.line + 1,
        col = byte_col(bufnr, start, encoding) + 1,
        text = string.format("%s — %s", c.concept, question),
      })
    end
  end
  return items
end

--- `:GohintConcepts`: fills the quickfix list (with `{ loclist = true }` the
--- window's location list) with the constructs of the current buffer that
--- the corpus explains, and opens it (unless `open = false`). `on_done(items)`
--- runs once the list is set.
function M.concepts(opts)
  opts = opts or {}
  local bufnr = vim.api.nvim_get_current_buf()
  local win = vim.api.nvim_get_current_win()
  return execute(bufnr, "gohint.conceptsInFile", { vim.uri_from_bufnr(bufnr) }, function(result, client)
    local items = M.concept_items(bufnr, result, client.offset_encoding)
    local what = { title = "gohint: concepts in " .. vim.fn.fnamemodify(vim.api.nvim_buf_get_name(bufnr), ":t"), items = items }
    if opts.loclist then
      vim.fn.setloclist(win, {}, " ", what)
    else
      vim.fn.setqflist({}, " ", what)
    end
    if #items == 0 then
      notify("no construct of this buffer is explained by the corpus")
    elseif opts.open ~= false then
      vim.cmd(opts.loclist and "lopen" or "copen")
    end
    if opts.on_done then
      opts.on_done(items)
    end
  end)
end

--- Asks `quiz` (a `gohint.quiz` result) with `vim.ui.select`; on an answer
--- says right or wrong and shows the explanation in a float.
function M.ask(quiz)
  if type(quiz) ~= "table" or type(quiz.choices) ~= "table" then
    notify("the server sent no quiz question", vim.log.levels.ERROR)
    return
  end
  local prompt = quiz.prompt or ""
  if type(quiz.code) == "string" then
    prompt = prompt .. "\n\n" .. quiz.code
  end
  local letters = {}
  for i = 1, #quiz.choices do
    letters[i] = i
  end
  vim.ui.select(letters, {
    prompt = prompt,
    kind = "gohint.quiz",
    format_item = function(i)
      return string.format("%s) %s", string.char(96 + i), (quiz.choices[i]:gsub("\n", " ⏎ ")))
    end,
  }, function(choice)
    if not choice then
      return
    end
    local right = quiz.answer + 1
    local verdict
    if choice == right then
      verdict = "Right."
    else
      verdict = string.format("Wrong: the answer is %s) %s", string.char(96 + right), quiz.choices[right])
    end
    notify(verdict)
    M.show(verdict .. "\n\n" .. (quiz.explanation or ""))
  end)
end

--- `:GohintQuiz [concept or question]`: one quiz question on a concept or
--- corpus question (default: the construct under the cursor).
function M.quiz(key)
  local bufnr = vim.api.nvim_get_current_buf()
  if key ~= nil and key ~= "" then
    return execute(bufnr, "gohint.quiz", { key }, M.ask)
  end
  local row, col = unpack(vim.api.nvim_win_get_cursor(0))
  return execute(bufnr, "gohint.conceptsInFile", { vim.uri_from_bufnr(bufnr) }, function(result, client)
    local best
    for _, c in ipairs(type(result) == "table" and result or {}) do
      local s, e = c.range.start, c.range["end"]
      local from = s.line + 1 < row or (s.line + 1 == row and byte_col(bufnr, s, client.offset_encoding) <= col)
      local to = e.line + 1 > row or (e.line + 1 == row and byte_col(bufnr, e, client.offset_encoding) > col)
      if from and to then
        best = c
      end
    end
    if not best then
      notify("no construct the corpus explains under the cursor; name one, e.g. :GohintQuiz go-statement", vim.log.levels.WARN)
      return
    end
    execute(bufnr, "gohint.quiz", { { concept = best.concept } }, M.ask)
  end)
end

--- The client side of the server's `gohint.quiz` command (its "Quiz me on
--- this" code action): asks the server for the question and quizzes.
function M.quiz_command(command, ctx)
  local bufnr = ctx and ctx.bufnr or vim.api.nvim_get_current_buf()
  local client = ctx and ctx.client_id and vim.lsp.get_client_by_id(ctx.client_id)
  return execute(bufnr, "gohint.quiz", command.arguments or {}, M.ask, client or nil)
end

--- Configures gohint and starts it for Go buffers (open ones included).
function M.setup(opts)
  M.config = vim.tbl_extend("force", vim.deepcopy(M.defaults), opts or {})
  vim.lsp.commands["gohint.explain"] = M.explain_command
  vim.lsp.commands["gohint.quiz"] = M.quiz_command
  notified_missing = false
  local group = vim.api.nvim_create_augroup("gohint", { clear = true })
  vim.api.nvim_create_autocmd("FileType", {
    group = group,
    pattern = M.config.filetypes,
    callback = function(args)
      M.start(args.buf)
    end,
  })
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.tbl_contains(M.config.filetypes, vim.bo[bufnr].filetype) then
      M.start(bufnr)
    end
  end
end

return M
