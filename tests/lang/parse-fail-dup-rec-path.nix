# rec sets report nested duplicates like plain sets
rec { a = { b = 1; }; a.b = 2; }
