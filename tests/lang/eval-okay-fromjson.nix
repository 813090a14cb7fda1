# fromJSON: every JSON type, escapes, number forms, duplicate keys, whitespace, nesting
builtins.fromJSON ''
  { "null": null, "t": true, "f": false,
    "ints": [0, -0, 1, -1, 9223372036854775807, -9223372036854775808, 123456789012],
    "floats": [1.5, -2.25e3, 1e2, 1E-2, 0.1, 18446744073709551616, 1e308, -1.0],
    "strings": ["", "a\"b\\c\/d\b\f\n\r\t", "\u00e9\u4e2d\ud83d\ude00", "é中😀", "$\u007b"],
    "nested": {"a": {"b": {"c": [[[]], {}]}}},
    "dup": 1, "dup": 2,
    "weird key ''${x}": "k", "": "empty key"
  }
''
