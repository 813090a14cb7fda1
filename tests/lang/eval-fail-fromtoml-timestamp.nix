# fromTOML refuses dates and times without the parse-toml-timestamps feature
builtins.fromTOML "a = 1979-05-27"
