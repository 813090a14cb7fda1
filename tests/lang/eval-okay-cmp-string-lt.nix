# strings compare lexicographically
"abc" < "abd"
