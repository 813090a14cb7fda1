# the legacy __overrides attribute of rec sets overrides attributes and what refers to them
rec { __overrides = { a = 2; }; a = 1; b = a; c = 3; }
