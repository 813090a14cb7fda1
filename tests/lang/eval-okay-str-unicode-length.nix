# stringLength counts bytes, not characters
builtins.stringLength "é✓"
