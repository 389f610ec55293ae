# tools: gfx-bench
