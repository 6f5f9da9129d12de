-- Headless test of the Neovim plugin against the real server:
--   GOHINT_BIN=target/release/gohint nvim --headless --clean \
--     --cmd "set rtp^=editors/nvim" -c "luafile editors/nvim/tests/run.lua"
-- Prints one "ok"/"not ok" line per step and "nvim: N passed, N failed"; exits 1 on failure.

local bin = os.getenv("GOHINT_BIN") or "gohint"
local here = vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":p:h")
local TIMEOUT = 15000
local QUESTION = "What issues can arise with a closed channel?"

local passed, failed = 0, 0
local function out(line)
  io.stdout:write(line .. "\n")
  io.stdout:flush()
end

local function finish()
  out(string.format("nvim: %d passed, %d failed", passed, failed))
  for _, client in pairs(vim.lsp.get_active_clients()) do
    client.stop()
  end
  vim.wait(1000, function()
    return #vim.lsp.get_active_clients() == 0
  end, 20)
  os.exit(failed == 0 and 0 or 1)
end

--- Runs a step; the first failure ends the run, since later steps build on it.
local function step(name, fn)
  local started = vim.loop.hrtime()
  local okay, err = xpcall(fn, debug.traceback)
  if okay then
    passed = passed + 1
    out(string.format("ok - %s (%d ms)", name, (vim.loop.hrtime() - started) / 1e6))
  else
    failed = failed + 1
    out("not ok - " .. name .. "\n  " .. tostring(err):gsub("\n", "\n  "))
    finish()
  end
end

local function wait_for(what, cond)
  if not vim.wait(TIMEOUT, cond, 20) then
    error("timed out waiting for " .. what, 2)
  end
end

local function eq(actual, expected, what)
  if not vim.deep_equal(actual, expected) then
    error(string.format("%s: expected %s, got %s", what, vim.inspect(expected), vim.inspect(actual)), 2)
  end
end

local function contains(text, needle, what)
  if not tostring(text):find(needle, 1, true) then
    error(string.format("%s: %q not found in:\n%s", what, needle, text), 2)
  end
end

-- A workspace with the example and a second file of the same module.
local dir = vim.fn.tempname()
vim.fn.mkdir(dir, "p")
vim.fn.writefile({ "module example.com/example", "", "go 1.22" }, dir .. "/go.mod")
vim.fn.writefile(vim.fn.readfile(here .. "/example.go"), dir .. "/example.go")
vim.fn.writefile({ "package example", "", "func other() {}" }, dir .. "/other.go")
vim.cmd("filetype on")

local gohint = require("gohint")
local buf

-- Every window/showMessage the server sends: a correct session has none.
local shown = {}
local show_message = vim.lsp.handlers["window/showMessage"]
vim.lsp.handlers["window/showMessage"] = function(err, result, ctx, config)
  table.insert(shown, result and result.message or vim.inspect(err))
  return show_message(err, result, ctx, config)
end

--- gohint diagnostics of `buf` as { {line (1-based), code, severity} }, sorted.
local function diagnostics()
  local list = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.source == "gohint" then
      table.insert(list, { d.lnum + 1, d.code, d.severity })
    end
  end
  table.sort(list, function(a, b)
    return a[1] < b[1]
  end)
  return list
end

local function lines_of(list)
  return vim.tbl_map(function(d)
    return d[1]
  end, list)
end

local function floating_windows()
  return vim.tbl_filter(function(w)
    return vim.api.nvim_win_get_config(w).relative ~= ""
  end, vim.api.nvim_list_wins())
end

local function close_floats()
  for _, w in ipairs(floating_windows()) do
    vim.api.nvim_win_close(w, true)
  end
end

step("a missing binary is reported with the fix", function()
  local messages = {}
  local notify = vim.notify
  vim.notify = function(msg, level)
    table.insert(messages, { msg, level })
  end
  gohint.setup({ cmd = { "/nonexistent/gohint" } })
  vim.cmd("edit " .. dir .. "/other.go")
  vim.notify = notify
  eq(#messages, 1, "notifications")
  eq(messages[1][2], vim.log.levels.ERROR, "level")
  contains(messages[1][1], gohint.install_command, "message")
  contains(messages[1][1], "cmd = {", "message")
  eq(#gohint.clients(), 0, "clients")
  vim.cmd("bwipeout!")
end)

step("opening a Go file starts the server and publishes diagnostics", function()
  gohint.setup({ cmd = { bin } })
  vim.cmd("edit " .. dir .. "/example.go")
  buf = vim.api.nvim_get_current_buf()
  eq(vim.bo[buf].filetype, "go", "filetype")
  wait_for("diagnostics", function()
    return #diagnostics() >= 2
  end)
  local E = vim.diagnostic.severity.ERROR
  eq(diagnostics(), { { 11, "double-close", E }, { 18, "double-close", E } }, "diagnostics")
end)

step("a second Go file of the same root reuses the client", function()
  vim.cmd("split " .. dir .. "/other.go")
  wait_for("attach", function()
    return #gohint.clients(vim.api.nvim_get_current_buf()) == 1
  end)
  eq(#gohint.clients(), 1, "running gohint clients")
  eq(gohint.clients()[1].config.root_dir, dir, "root_dir")
  vim.cmd("close")
end)

local function hover(line, col)
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    position = { line = line - 1, character = col - 1 },
  }
  local results = vim.lsp.buf_request_sync(buf, "textDocument/hover", params, TIMEOUT) or {}
  for _, r in pairs(results) do
    if r.result and r.result.contents then
      return r.result.contents.value or vim.inspect(r.result.contents)
    end
  end
  return ""
end

step("hover on a flagged close quotes the corpus question", function()
  local text = hover(11, 2)
  contains(text, "double-close", "hover")
  contains(text, "Q: " .. QUESTION, "hover")
end)

step("hover on a go statement names the corpus question about goroutines", function()
  local text = hover(17, 2)
  contains(text, "Q: ", "hover")
  contains(text:lower(), "goroutine", "hover")
end)

step(":GohintConcepts fills the quickfix list with the buffer's constructs and their questions", function()
  local done
  gohint.concepts({
    open = false,
    on_done = function(items)
      done = items
    end,
  })
  wait_for("the concepts", function()
    return done ~= nil
  end)
  local list = vim.fn.getqflist({ title = 1, items = 1 })
  contains(list.title, "example.go", "title")
  local entries = {}
  for _, item in ipairs(list.items) do
    eq(vim.api.nvim_buf_get_name(item.bufnr), vim.api.nvim_buf_get_name(buf), "file of " .. item.text)
    table.insert(entries, string.format("%d:%d: %s", item.lnum, item.col, item.text))
  end
  local text = table.concat(entries, "\n")
  for _, want in ipairs({
    "6:8: make-chan — ",
    "11:2: close — " .. QUESTION,
    "16:2: defer — ",
    "17:2: go-statement — What is a goroutine?",
  }) do
    contains(text, want, "quickfix list")
  end
  local previous = 0
  for _, item in ipairs(list.items) do
    if item.lnum * 1000 + item.col < previous then
      error("not in source order:\n" .. text)
    end
    previous = item.lnum * 1000 + item.col
  end
  -- The command opens the list; with ! it fills the location list.
  vim.cmd("GohintConcepts!")
  wait_for("the location list", function()
    return #vim.fn.getloclist(0) == #list.items and vim.bo.buftype == "quickfix"
  end)
  vim.cmd("lclose")
  eq(vim.api.nvim_get_current_buf(), buf, "back in the example")
end)

step(":GohintQuiz asks about the construct under the cursor with vim.ui.select", function()
  vim.api.nvim_win_set_cursor(0, { 17, 1 })
  local asked, said = nil, {}
  local select, notify = vim.ui.select, vim.notify
  vim.ui.select = function(items, opts, on_choice)
    vim.ui.select = select
    asked = { prompt = opts.prompt, choices = vim.tbl_map(opts.format_item, items) }
    on_choice(items[1])
  end
  vim.notify = function(msg)
    table.insert(said, msg)
  end
  vim.cmd("GohintQuiz")
  wait_for("an answer", function()
    return #said > 0
  end)
  vim.notify = notify
  if #asked.choices < 2 or not asked.choices[1]:find("^a%) ") then
    error("choices: " .. vim.inspect(asked))
  end
  if not (said[1]:find("^gohint: Right%.") or said[1]:find("^gohint: Wrong: the answer is [b-d]%) ")) then
    error("verdict: " .. said[1])
  end
  wait_for("the explanation in a float", function()
    return #floating_windows() > 0
  end)
  local text = table.concat(vim.api.nvim_buf_get_lines(vim.api.nvim_win_get_buf(floating_windows()[1]), 0, -1, false), "\n")
  contains(text, "What is a goroutine?", "explanation")
  close_floats()
end)

step("the server's Quiz me on this command is answered by the plugin", function()
  local asked
  local select = vim.ui.select
  vim.ui.select = function(items, opts, on_choice)
    vim.ui.select = select
    asked = opts.prompt
    on_choice(nil)
  end
  local client = gohint.clients(buf)[1]
  vim.lsp.commands["gohint.quiz"]({ command = "gohint.quiz", arguments = { { concept = "close", seed = 2 } } }, { bufnr = buf, client_id = client.id })
  wait_for("the question", function()
    return asked ~= nil
  end)
  if #asked == 0 then
    error("empty prompt")
  end
  eq(#floating_windows(), 0, "no answer, no explanation")
end)

step(":GohintExplain shows the rule under the cursor in a float", function()
  vim.api.nvim_win_set_cursor(0, { 18, 2 })
  vim.cmd("GohintExplain")
  wait_for("a floating window", function()
    return #floating_windows() > 0
  end)
  local text = table.concat(vim.api.nvim_buf_get_lines(vim.api.nvim_win_get_buf(floating_windows()[1]), 0, -1, false), "\n")
  contains(text, "double-close", "float")
  contains(text, QUESTION, "float")
  close_floats()
  vim.cmd("GohintExplain unused-ignore")
  wait_for("a floating window", function()
    return #floating_windows() > 0
  end)
  local other = table.concat(vim.api.nvim_buf_get_lines(vim.api.nvim_win_get_buf(floating_windows()[1]), 0, -1, false), "\n")
  contains(other, "unused-ignore", "float")
  close_floats()
end)

step("the server's Explain code action is answered in Neovim by gohint --explain", function()
  vim.api.nvim_win_set_cursor(0, { 18, 2 })
  local offered = {}
  local select = vim.ui.select
  vim.ui.select = function(items, opts, on_choice)
    vim.ui.select = select
    for _, item in ipairs(items) do
      local title = opts.format_item and opts.format_item(item) or tostring(item)
      table.insert(offered, title)
      if title:find("Explain double-close", 1, true) then
        return on_choice(item)
      end
    end
    on_choice(nil)
  end
  -- Unanswered by the client, the command would go to the server and show nothing.
  vim.lsp.buf.code_action()
  wait_for("a floating window (offered: " .. table.concat(offered, ", ") .. ")", function()
    return #floating_windows() > 0
  end)
  local text = table.concat(vim.api.nvim_buf_get_lines(vim.api.nvim_win_get_buf(floating_windows()[1]), 0, -1, false), "\n")
  contains(text, QUESTION, "float")
  close_floats()
end)

step("the quick fix removes the second close", function()
  vim.api.nvim_win_set_cursor(0, { 11, 3 })
  local offered = {}
  local select = vim.ui.select
  vim.ui.select = function(items, opts, on_choice)
    for _, item in ipairs(items) do
      local title = opts.format_item and opts.format_item(item) or tostring(item)
      table.insert(offered, title)
      if title:find("Remove the second close(ch)", 1, true) then
        vim.ui.select = select
        return on_choice(item)
      end
    end
    vim.ui.select = select
    on_choice(nil)
  end
  -- Neovim 0.7 sends the diagnostics with byte columns: the server must still match them.
  vim.lsp.buf.code_action()
  wait_for("the fix to apply (offered: " .. table.concat(offered, ", ") .. ")", function()
    return vim.api.nvim_buf_line_count(buf) == 18
  end)
  eq(vim.api.nvim_buf_get_lines(buf, 9, 11, false), { "\tclose(ch)", "\treturn ch" }, "lines 10-11")
  wait_for("diagnostics to follow the fix", function()
    return vim.deep_equal(lines_of(diagnostics()), { 17 })
  end)
end)

step("an edit moves the diagnostics", function()
  vim.api.nvim_buf_set_lines(buf, 1, 1, false, { "", "// Package example shows gohint in Neovim." })
  wait_for("diagnostics to move down two lines", function()
    return vim.deep_equal(lines_of(diagnostics()), { 19 })
  end)
  eq(vim.api.nvim_buf_get_lines(buf, 18, 19, false), { "\tclose(done)" }, "line 19")
  vim.api.nvim_buf_set_lines(buf, 18, 19, false, {})
  wait_for("diagnostics to go with the deleted line", function()
    return #diagnostics() == 0
  end)
  vim.api.nvim_buf_set_lines(buf, 18, 18, false, { "\tclose(done)" })
  wait_for("diagnostics to come back", function()
    return vim.deep_equal(lines_of(diagnostics()), { 19 })
  end)
end)

step("changed settings reach the server without a restart", function()
  gohint.set_settings({ rules = { ["double-close"] = "warning" } })
  wait_for("a warning", function()
    local d = diagnostics()
    return #d == 1 and d[1][3] == vim.diagnostic.severity.WARN
  end)
  gohint.set_settings({ rules = { ["double-close"] = "off" } })
  wait_for("no diagnostics", function()
    return #diagnostics() == 0
  end)
  gohint.set_settings({})
  wait_for("the error again", function()
    local d = diagnostics()
    return #d == 1 and d[1][3] == vim.diagnostic.severity.ERROR
  end)
end)

step("the server showed no warnings or errors", function()
  eq(shown, {}, "window/showMessage")
end)

step(":checkhealth gohint reports the binary, its version and a working server", function()
  vim.cmd("checkhealth gohint")
  local text = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), "\n")
  contains(text, "binary: " .. vim.fn.exepath(bin), "health")
  contains(text, "version: gohint", "health")
  contains(text, "answers initialize", "health")
  if text:find("ERROR") then
    error("health reports an error:\n" .. text)
  end
  vim.cmd("bwipeout!")
end)

step("lsp/gohint.lua is a Neovim 0.11 server config", function()
  local config = dofile(here .. "/../lsp/gohint.lua")
  eq(config.cmd, { "gohint" }, "cmd")
  eq(config.filetypes, { "go", "gomod" }, "filetypes")
  eq(config.root_markers[1], "go.mod", "root_markers")
  local params = {}
  config.before_init(params, { settings = { gohint = { goVersion = "1.21" } } })
  eq(params.initializationOptions, { goVersion = "1.21" }, "initializationOptions")

  -- Started as is (with this binary), it serves; its own gohint.explain handler shows the rule.
  local id = vim.lsp.start_client(vim.tbl_extend("force", config, { name = "gohint-config", cmd = { bin }, root_dir = dir }))
  local client = id and vim.lsp.get_client_by_id(id)
  wait_for("the server to initialize", function()
    return client ~= nil and client.initialized == true
  end)
  config.commands["gohint.explain"]({ command = "gohint.explain", arguments = { "double-close" } }, { client_id = id })
  wait_for("a floating window", function()
    return #floating_windows() > 0
  end)
  local text = table.concat(vim.api.nvim_buf_get_lines(vim.api.nvim_win_get_buf(floating_windows()[1]), 0, -1, false), "\n")
  contains(text, QUESTION, "float")
  close_floats()
  client.stop()
end)

step("package.yaml is a mason-registry entry for the release archives", function()
  local root = here .. "/../../.."
  local yaml = table.concat(vim.fn.readfile(here .. "/../package.yaml"), "\n")
  local version = table.concat(vim.fn.readfile(root .. "/Cargo.toml"), "\n"):match('\nversion = "([^"]+)"')
  contains(yaml, "id: pkg:github/gohint/gohint@v" .. version, "the release tag of Cargo.toml's version")
  contains(yaml, "neovim:\n  lspconfig: gohint", "the lspconfig name")
  eq(vim.fn.filereadable(here .. "/../lsp/gohint.lua"), 1, "lsp/gohint.lua")
  -- The archives dist/build.sh makes: gohint-v<version>-<triple>/gohint[.exe].
  local build = table.concat(vim.fn.readfile(root .. "/dist/build.sh"), "\n")
  contains(build, 'name="gohint-v$version-$triple"', "dist/build.sh's archive name")
  local targets = {
    linux_x64_gnu = { "x86_64-unknown-linux-gnu", ".tar.gz", "gohint" },
    linux_arm64_gnu = { "aarch64-unknown-linux-gnu", ".tar.gz", "gohint" },
    darwin_x64 = { "x86_64-apple-darwin", ".tar.gz", "gohint" },
    darwin_arm64 = { "aarch64-apple-darwin", ".tar.gz", "gohint" },
    win_x64 = { "x86_64-pc-windows-msvc", ".zip", "gohint.exe" },
  }
  for target, t in pairs(targets) do
    local triple, ext, exe = t[1], t[2], t[3]
    contains(build, "triple=" .. triple, "dist/build.sh builds " .. triple)
    local dirname = "gohint-{{version}}-" .. triple
    contains(
      yaml,
      string.format("- target: %s\n      file: %s%s\n      bin: %s/%s", target, dirname, ext, dirname, exe),
      "the " .. target .. " asset"
    )
  end
  contains(yaml, 'bin:\n  gohint: "{{source.asset.bin}}"', "the gohint binary")
end)

finish()
