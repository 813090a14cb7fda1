# --json escapes control characters
builtins.substring 0 1 "	"
