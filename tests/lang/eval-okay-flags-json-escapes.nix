# --json escapes special characters in strings
[ "quote\" backslash\\ newline\n tab\t cr\r" "\${x}" ]
