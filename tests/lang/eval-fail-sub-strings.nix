# subtracting strings
"a" - "b"
