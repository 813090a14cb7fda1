# nested attribute paths build nested sets
{ a.b.c = 1; a.d = 2; }
