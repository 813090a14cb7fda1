# fromTOML with the parse-toml-timestamps feature: every date and time form becomes a timestamp set
builtins.fromTOML ''
  odt1 = 1979-05-27T07:32:00Z
  odt2 = 1979-05-27T00:32:00-07:00
  odt3 = 1979-05-27T00:32:00.999999-07:00
  odt4 = 1979-05-27 07:32:00Z
  odt5 = 1979-05-27t07:32:00.5+01:30
  ldt1 = 1979-05-27T07:32:00
  ldt2 = 1979-05-27T00:32:00.123456789
  ld = 1979-05-27
  lt1 = 07:32:00
  lt2 = 00:32:00.1
''
