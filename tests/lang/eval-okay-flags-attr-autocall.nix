# -A on a file that is a function calls it with defaults first
{ n ? 5 }: { x = n * 10; y = throw "not evaluated"; }
