# && binds tighter than || when it comes first
false && true || true
