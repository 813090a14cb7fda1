# a dollar not followed by a brace prints unescaped
"$a $"
