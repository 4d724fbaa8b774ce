#!/usr/bin/env sysbench
-- Bulk INSERT: each event is one INSERT of --rows rows (default 1,000)
-- into the thread's own table bulkN, rows as sysbench's oltp tables have
-- them (id increasing from 1, random k, c and pad). bench/sysbench.sh runs
-- it as the "bulk_insert" workload and reports rows per second.

sysbench.cmdline.options = {
  rows = {"Rows per INSERT statement", 1000},
  -- Given to every workload by bench/sysbench.sh; not used here.
  tables = {"(not used)", 1},
  table_size = {"(not used)", 0},
}

local function create(con, i)
  con:query(string.format([[
    CREATE TABLE IF NOT EXISTS bulk%d (
      id INTEGER NOT NULL,
      k INTEGER DEFAULT '0' NOT NULL,
      c CHAR(120) DEFAULT '' NOT NULL,
      pad CHAR(60) DEFAULT '' NOT NULL,
      PRIMARY KEY (id)) /*! ENGINE = innodb */]], i))
end

function prepare()
  local con = sysbench.sql.driver():connect()
  for i = 1, sysbench.opt.threads do
    create(con, i)
  end
end

function cleanup()
  local con = sysbench.sql.driver():connect()
  for i = 1, sysbench.opt.threads do
    con:query("DROP TABLE IF EXISTS bulk" .. i)
  end
end

local c_tmpl = "###########-###########-###########-###########-" ..
               "###########-###########-###########-###########-" ..
               "###########-###########"
local pad_tmpl = "###########-###########-###########-###########-" ..
                 "###########"

function thread_init()
  con = sysbench.sql.driver():connect()
  table_name = "bulk" .. (sysbench.tid + 1)
  next_id = 1
end

function event()
  local parts = {}
  for r = 1, sysbench.opt.rows do
    parts[r] = string.format("(%d,%d,'%s','%s')", next_id,
                             sysbench.rand.default(1, 1000000),
                             sysbench.rand.string(c_tmpl),
                             sysbench.rand.string(pad_tmpl))
    next_id = next_id + 1
  end
  con:query("INSERT INTO " .. table_name .. " (id, k, c, pad) VALUES " ..
            table.concat(parts, ","))
end

function thread_done()
  con:disconnect()
end
