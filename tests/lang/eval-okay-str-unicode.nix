# non-ASCII text is kept and printed as-is
"héllo wörld ✓"
