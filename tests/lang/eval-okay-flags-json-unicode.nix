# --json keeps non-ASCII text
"héllo ✓"
