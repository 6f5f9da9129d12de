-- :checkhealth gohint — the binary is found, reports its version, and serves LSP.

local M = {}

-- vim.health.start/ok/… on 0.10+, report_start/… before.
local health = vim.health or require("health")
local report = {
  start = health.start or health.report_start,
  ok = health.ok or health.report_ok,
  warn = health.warn or health.report_warn,
  error = health.error or health.report_error,
  info = health.info or health.report_info,
}

--- Sends `initialize` to `cmd` and waits for the answer; returns the server name or nil and a reason.
local function probe(cmd)
  local out = {}
  local job = vim.fn.jobstart(cmd, {
    on_stdout = function(_, data)
      vim.list_extend(out, data)
    end,
  })
  if job <= 0 then
    return nil, "could not start " .. table.concat(cmd, " ")
  end
  local function send(id, method, params)
    local body = vim.fn.json_encode({ jsonrpc = "2.0", id = id, method = method, params = params })
    vim.fn.chansend(job, string.format("Content-Length: %d\r\n\r\n%s", #body, body))
  end
  send(1, "initialize", { processId = vim.fn.getpid(), rootUri = vim.NIL, capabilities = vim.empty_dict() })
  local answered = vim.wait(5000, function()
    return table.concat(out, "\n"):find('"capabilities"', 1, true) ~= nil
  end, 20)
  local text = table.concat(out, "\n")
  if answered then
    send(2, "shutdown", vim.NIL)
    local body = vim.fn.json_encode({ jsonrpc = "2.0", method = "exit" })
    vim.fn.chansend(job, string.format("Content-Length: %d\r\n\r\n%s", #body, body))
  end
  vim.fn.jobstop(job)
  if not answered then
    return nil, "no answer to initialize within 5 s" .. (text ~= "" and (": " .. text) or "")
  end
  local name, version = text:match('"serverInfo":{"name":"([^"]*)","version":"([^"]*)"')
  return (name or "server") .. (version and (" " .. version) or "")
end

function M.check()
  report.start("gohint")
  local gohint = require("gohint")
  local cmd = gohint.config.cmd
  local exe = vim.fn.exepath(cmd[1])
  if exe == "" then
    report.error(string.format("%q not found", cmd[1]), {
      "Install it: " .. gohint.install_command,
      'Or give its path: require("gohint").setup({ cmd = { "/path/to/gohint" } })',
    })
    return
  end
  report.ok("binary: " .. exe)
  local version = vim.fn.system({ exe, "--version" })
  if vim.v.shell_error ~= 0 then
    report.error("`" .. exe .. " --version` failed: " .. version)
    return
  end
  report.ok("version: " .. vim.trim(version))
  local name, why = probe(cmd)
  if name then
    report.ok("the language server starts and answers initialize (" .. name .. ")")
  else
    report.error("the language server did not start: " .. why)
  end
  local clients = gohint.clients()
  if #clients == 0 then
    report.warn("no gohint client is running: open a Go file after require(\"gohint\").setup()")
  else
    for _, client in ipairs(clients) do
      report.info(string.format("client %d, root %s", client.id, client.config.root_dir or "(none)"))
    end
  end
end

return M
